#!/usr/bin/env python3
"""Every ```cpp block in README.md and docs/*.md is a translation unit that must compile against
today's headers (syntax and types: -fsyntax-only, so a block needs no main and may declare
functions it doesn't define). Run by CTest as docs_snippets:
    compile_snippets.py SOURCE_DIR WORK_DIR CXX STB_INCLUDE
"""
import glob
import os
import re
import shutil
import subprocess
import sys

source, work, cxx, stb = sys.argv[1:5]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
docs = [os.path.join(source, "README.md")] + sorted(glob.glob(os.path.join(source, "docs", "*.md")))
blocks, failed = 0, []
for doc in docs:
    lines = open(doc, encoding="utf-8").read().split("\n")
    start, code = None, []
    for number, line in enumerate(lines, 1):
        if start is None and re.fullmatch(r"```cpp\s*", line):
            start, code = number, []
        elif start is not None and re.fullmatch(r"```\s*", line):
            blocks += 1
            src = os.path.join(work, "%s_line_%d.cpp" % (os.path.splitext(os.path.basename(doc))[0], start))
            with open(src, "w", encoding="utf-8") as f:
                f.write("\n".join(code) + "\n")
            r = subprocess.run([cxx, "-std=c++17", "-fsyntax-only", "-fopenmp", "-Wall", "-Werror=return-type",
                                "-I" + os.path.join(source, "include"), "-I" + stb, src], capture_output=True, text=True)
            if r.returncode != 0:
                failed.append("%s:%d" % (doc, start))
                print("%s:%d: the block does not compile:\n%s" % (doc, start, r.stderr))
            start = None
        elif start is not None:
            code.append(line)
if blocks == 0:
    sys.exit("no ```cpp blocks found under %s: nothing was checked" % source)
if failed:
    sys.exit("blocks that do not compile: " + ", ".join(failed))
print("all %d C++ blocks of README.md and docs/ compile" % blocks)
