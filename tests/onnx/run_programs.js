// The programs' ONNX exports, end to end: trains a small unconditional run (with a moving
// average) and a conditional one, exports each generator (mnist_dcgan export; the unconditional
// one also --raw-generator), draws ganlite's images from the same noise (generate --noise Z.idx
// --float) and runs every exported model in ONNX Runtime on that noise: the images must agree
// within 1e-5 (max abs). Then trains a small classifier, exports it (mnist_classifier export), and
// its ONNX logits must give the classes mnist_classifier predict --out gives, image for image.
//   node run_programs.js MNIST_DCGAN MNIST_CLASSIFIER WORK_DIR MNIST_DIR
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');
const ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));

const [dcgan, classifier, work, mnist] = process.argv.slice(2);
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const at = (f) => path.join(work, f);
function run(program, args) {
  try {
    execFileSync(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`${path.basename(program)} ${args.join(' ')} failed (${e.status}): ${e.stderr}`);
  }
}

// IDX files: float32 (type 0x0D) and unsigned bytes (0x08), big-endian.
function writeFloatIdx(file, dims, values) {
  const b = Buffer.alloc(4 + 4 * dims.length + 4 * values.length);
  b.writeUInt32BE(0x00000d00 + dims.length, 0);
  dims.forEach((d, i) => b.writeUInt32BE(d, 4 + 4 * i));
  values.forEach((v, i) => b.writeFloatBE(v, 4 + 4 * dims.length + 4 * i));
  fs.writeFileSync(file, b);
}
function readIdx(file) {
  const b = fs.readFileSync(file);
  const type = (b.readUInt32BE(0) >> 8) & 0xff, rank = b[3];
  const dims = [];
  for (let i = 0; i < rank; ++i) dims.push(b.readUInt32BE(4 + 4 * i));
  const n = dims.reduce((a, c) => a * c, 1), start = 4 + 4 * rank;
  const values = new Float32Array(n);
  for (let i = 0; i < n; ++i) values[i] = type === 0x0d ? b.readFloatBE(start + 4 * i) : b[start + i];
  return { dims, values };
}

// Normal noise from a fixed seed (an LCG and Box-Muller): the same file every run.
function noise(n, dim) {
  let s = 12345;
  const u = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 1) / 2147483649;
  const v = [];
  for (let i = 0; i < n * dim; ++i) v.push(Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u()));
  return v;
}

async function images(model, feeds) {
  const session = await ort.InferenceSession.create(model);
  return (await session.run(feeds)).images;
}
function worst(a, b) {
  let w = 0;
  for (let i = 0; i < b.length; ++i) w = Math.max(w, Math.abs(a[i] - b[i]));
  return w;
}

(async () => {
  const N = 6, common = ['--data', mnist, '--epochs', '1', '--limit', '128', '--batch', '64', '--threads', '2', '--checkpoint-every', '1'];
  const z = noise(N, 100);
  writeFloatIdx(at('noise.idx'), [N, 100], z);
  const zTensor = new ort.Tensor('float32', Float32Array.from(z), [N, 100]);
  let failed = 0;
  const report = (what, w, extra = '') => {
    const ok = w <= 1e-5;
    console.log(`${what}: ${ok ? 'same' : 'DIFFERENT'} — max |ONNX Runtime - ganlite| ${w.toExponential(2)}${extra}`);
    if (!ok) failed++;
  };

  run(dcgan, [...common, '--out', at('uncond'), '--ema', '0.9']);
  const ckpt = path.join(at('uncond'), 'checkpoint_epoch_0001.ckpt');
  for (const raw of [[], ['--raw-generator']]) {
    const name = raw.length ? 'generator_raw' : 'generator';
    run(dcgan, ['export', '--checkpoint', ckpt, '--out', at(name + '.onnx'), ...raw]);
    run(dcgan, ['generate', '--checkpoint', ckpt, '--noise', at('noise.idx'), '--float', '--out', at(name + '.idx'), ...raw]);
    const want = readIdx(at(name + '.idx'));
    const got = await images(at(name + '.onnx'), { noise: zTensor });
    report(`${name} (${raw.length ? 'trained' : 'moving average'}), ${JSON.stringify(Array.from(got.dims))}`, worst(got.data, want.values));
  }

  run(dcgan, [...common, '--out', at('cond'), '--conditional']);
  const cckpt = path.join(at('cond'), 'checkpoint_epoch_0001.ckpt');
  run(dcgan, ['export', '--checkpoint', cckpt, '--out', at('conditional_generator.onnx')]);
  run(dcgan, ['generate', '--checkpoint', cckpt, '--noise', at('noise.idx'), '--float', '--digit', '3', '--digit', '8', '--out', at('conditional.idx')]);
  const want = readIdx(at('conditional.idx'));
  const oneHot = (digit) => { const h = new Float32Array(N * 10); for (let i = 0; i < N; ++i) h[i * 10 + digit] = 1; return new ort.Tensor('float32', h, [N, 10]); };
  const g3 = await images(at('conditional_generator.onnx'), { noise: zTensor, class_one_hot: oneHot(3) });
  const g8 = await images(at('conditional_generator.onnx'), { noise: zTensor, class_one_hot: oneHot(8) });
  const both = new Float32Array(2 * g3.data.length);
  both.set(g3.data, 0);
  both.set(g8.data, g3.data.length);
  report('conditional_generator, digits 3 and 8', worst(both, want.values));

  run(classifier, ['--data', mnist, '--epochs', '1', '--limit', '512', '--test-limit', '100', '--threads', '2', '--model', at('classifier.weights')]);
  run(classifier, ['export', '--model', at('classifier.weights'), '--out', at('classifier.onnx')]);
  run(dcgan, ['generate', '--checkpoint', cckpt, '--noise', at('noise.idx'), '--digits', '0123456789', '--out', at('digits.idx')]);
  run(classifier, ['predict', '--model', at('classifier.weights'), '--idx', at('digits.idx'), '--out', at('classes.idx')]);
  const pixels = readIdx(at('digits.idx')), classes = readIdx(at('classes.idx')).values;
  const n = pixels.dims[0];
  const x = Float32Array.from(pixels.values, (p) => (p - 127.5) / 127.5);
  const session = await ort.InferenceSession.create(at('classifier.onnx'));
  const logits = (await session.run({ images: new ort.Tensor('float32', x, [n, 28, 28, 1]) })).logits.data;
  let same = 0;
  for (let i = 0; i < n; ++i) {
    let m = 0;
    for (let k = 1; k < 10; ++k) if (logits[i * 10 + k] > logits[i * 10 + m]) m = k;
    same += m === classes[i];
  }
  console.log(`classifier: ONNX Runtime gives ${same} of ${n} images the class mnist_classifier predict gives`);
  if (same !== n) failed++;
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error('run_programs.js: ' + e.message); process.exit(1); });
