// Runs each ONNX model export_check wrote in ONNX Runtime (the npm package onnxruntime-node) on
// the probe's input and compares with the output ganlite computed: exit 1 if any value differs by
// more than 1e-5 (max abs), or if the classifier's classes differ.
//   node run_onnx.js DIR [NODE_MODULES_DIR]
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const modules = process.argv[3] || path.join(__dirname, 'node_modules');
const ort = require(path.join(modules, 'onnxruntime-node'));

function floats(file) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, b.length / 4);
}

(async () => {
  let failed = 0;
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)).sort();
  if (names.length === 0) throw new Error('no .onnx files in ' + dir);
  for (const name of names) {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, name + '.json'), 'utf8'));
    const session = await ort.InferenceSession.create(path.join(dir, name + '.onnx'));
    const feeds = {};
    feeds[meta.input] = new ort.Tensor('float32', floats(path.join(dir, name + '.input.bin')), meta.input_shape);
    if (meta.joined) feeds[meta.joined] = new ort.Tensor('float32', floats(path.join(dir, name + '.joined.bin')), meta.joined_shape);
    const got = (await session.run(feeds)).output;
    const want = floats(path.join(dir, name + '.output.bin'));
    const shapeOk = JSON.stringify(Array.from(got.dims)) === JSON.stringify(meta.output_shape);
    let worst = 0;
    for (let i = 0; i < want.length; ++i) worst = Math.max(worst, Math.abs(got.data[i] - want[i]));
    let classesOk = true;
    if (name === 'classifier') {
      const k = meta.output_shape[1];
      for (let b = 0; b < meta.output_shape[0]; ++b) {
        const argmax = (a) => { let m = 0; for (let j = 1; j < k; ++j) if (a[b * k + j] > a[b * k + m]) m = j; return m; };
        if (argmax(got.data) !== argmax(want)) classesOk = false;
      }
    }
    const ok = shapeOk && worst <= 1e-5 && classesOk;
    console.log(`${name}: ${ok ? 'same' : 'DIFFERENT'} — output ${JSON.stringify(Array.from(got.dims))}, max |ONNX Runtime - ganlite| ${worst.toExponential(2)}` +
                (name === 'classifier' ? `, classes ${classesOk ? 'equal' : 'differ'}` : ''));
    if (!ok) failed++;
  }
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error('run_onnx.js: ' + e.message); process.exit(1); });
