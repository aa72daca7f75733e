"""Every .onnx file in the folder given passes onnx.checker (Debian's python3-onnx), with its
full check (shape inference too). Exit 1 naming the first that fails."""
import pathlib
import sys

import onnx

models = sorted(pathlib.Path(sys.argv[1]).glob("*.onnx"))
if not models:
    sys.exit(f"check_models.py: no .onnx files in {sys.argv[1]}")
for m in models:
    try:
        onnx.checker.check_model(onnx.load(str(m)), full_check=True)
    except Exception as e:  # the checker's own error names what is wrong
        sys.exit(f"check_models.py: {m}: {e}")
    print(f"{m.name}: passes onnx.checker")
