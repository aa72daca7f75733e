// examples/mnist_dcgan/web_page_html.hpp — the page `mnist_dcgan export --html DIR` writes as
// DIR/index.html. It runs the exported generator with ONNX Runtime Web, single-threaded (threads
// need a cross-origin-isolated server), and loads nothing from the network. The files beside it
// (web_page.hpp) are classic scripts, which a browser runs from file:// too:
//   generator.js        GANLITE_MODEL: the ONNX model in base64 and the generator's settings
//   ort/ort.wasm.min.js ONNX Runtime Web (WebAssembly backend), as npm ships it
//   ort/runtime.js      ORT_RUNTIME: its WebAssembly binary and loader module, in base64
// Noise is drawn with ganlite's own Rng (xoshiro256** seeded by splitmix64, Box–Muller normals,
// include/ganlite/rng.hpp), so the page's hand of seed S is `write --seed S`'s line and its grid of
// seed S is `generate --count 16 --seed S`'s.
#pragma once

namespace mnist_dcgan {

inline constexpr const char* kWebPageHtml = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ganlite: digits drawn in your browser</title>
<link rel="icon" href="data:,">
<style>
  body { font: 16px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.5rem; margin-bottom: .2rem; }
  .about { color: #555; margin-top: 0; }
  .controls { display: flex; flex-wrap: wrap; gap: .8rem 1.5rem; align-items: center; margin: 1rem 0; }
  input[type=text] { font: 1.3rem ui-monospace, monospace; width: 14em; padding: .2rem .4rem; }
  button { font: inherit; padding: .3rem .9rem; }
  canvas { image-rendering: pixelated; background: #000; max-width: 100%; display: block; }
  .status { color: #555; min-height: 1.5em; }
  .status.error { color: #b00020; font-weight: 600; }
  [hidden] { display: none !important; }  /* over .controls' flex */
  code { background: #f2f2f2; padding: .1rem .3rem; border-radius: 3px; word-break: break-all; }
</style>
</head>
<body>
<h1>Digits drawn by a ganlite generator</h1>
<p class="about" id="about"></p>
<div class="controls" id="conditionalControls" hidden>
  <label id="textLabel">Write <input type="text" id="text" value="2026 12 06" maxlength="60" spellcheck="false" autocomplete="off"></label>
  <button id="anotherHand" type="button">Another hand</button>
  <label>This hand <input type="range" id="blend" min="0" max="100" value="0"> the next</label>
</div>
<div class="controls" id="gridControls" hidden>
  <button id="newNoise" type="button">New noise</button>
</div>
<canvas id="out" width="1" height="1" aria-label="generated images"></canvas>
<p class="status" id="status" role="status">Loading the model and ONNX Runtime…</p>
<p>The same images from the command line: <code id="command"></code></p>
<p class="about" id="runtime"></p>
<script src="generator.js"></script>
<script src="ort/ort.wasm.min.js"></script>
<script src="ort/runtime.js"></script>
<script>
'use strict';
const M64 = (1n << 64n) - 1n;
const rotl = (x, k) => ((x << k) | (x >> (64n - k))) & M64;
// ganlite::Rng, word for word: the same seed gives the same numbers as the C++ programs.
class Rng {
  constructor(seed) {
    let s = BigInt.asUintN(64, BigInt(seed));
    this.s = [];
    for (let i = 0; i < 4; ++i) {
      s = (s + 0x9e3779b97f4a7c15n) & M64;
      let z = s;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M64;
      this.s.push(z ^ (z >> 31n));
    }
  }
  next() {
    const s = this.s, result = (rotl((s[1] * 5n) & M64, 7n) * 9n) & M64, t = (s[1] << 17n) & M64;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45n);
    return result;
  }
  uniform() { return Number(this.next() >> 11n) * 2 ** -53; }
  normal() {
    let u1 = this.uniform();
    const u2 = this.uniform();
    if (u1 < 1e-300) u1 = 1e-300;
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(6.283185307179586 * u2);
  }
}
const noise = (seed, n, dim) => {  // n vectors of dim, as float32, in the C++ programs' order
  const r = new Rng(seed), z = new Float32Array(n * dim);
  for (let i = 0; i < z.length; ++i) z[i] = Math.fround(r.normal());
  return z;
};
const bytesOf = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const $ = (id) => document.getElementById(id);
const model = window.GANLITE_MODEL;
const K = model.classes, D = model.noiseDim;
const digits = K === 10 && model.classNames.every((n, i) => n === String(i));
const GRID = 16;
const state = { seed: 1, blend: 0, text: $('text').value };
const page = { ready: null, images: null, cells: 0, state };  // what a test (or the console) can read
window.ganlitePage = page;
let session = null;

function setStatus(text, error) {
  $('status').textContent = text;
  $('status').classList.toggle('error', !!error);
}
function readHash() {  // #seed=S&text=T&blend=B: a drawing that a link or a reload brings back
  for (const [k, v] of new URLSearchParams(location.hash.slice(1))) {
    if (k === 'seed' && /^\d{1,15}$/.test(v)) state.seed = Number(v);
    if (k === 'blend' && /^\d{1,3}$/.test(v)) state.blend = Math.min(100, Number(v));
    if (k === 'text') state.text = v.slice(0, 60);
  }
  $('text').value = state.text;
  $('blend').value = state.blend;
}
function writeHash() {
  const h = new URLSearchParams({ seed: state.seed });
  if (K) h.set('blend', state.blend);
  if (digits) h.set('text', state.text);
  history.replaceState(null, '', '#' + h.toString());
}
// The cells to draw: a class for each (-1: a blank for a space) and the noise of each.
function cells() {
  if (!K) return { labels: new Array(GRID).fill(null), z: noise(state.seed, GRID, D), cols: 4 };
  const a = noise(state.seed, 1, D), b = noise(state.seed + 1, 1, D), t = state.blend / 100, hand = new Float32Array(D);
  for (let k = 0; k < D; ++k) hand[k] = Math.fround(Math.fround((1 - t) * a[k]) + Math.fround(t * b[k]));
  let labels;
  if (digits) {
    const bad = [...state.text].find((c) => c !== ' ' && (c < '0' || c > '9'));
    if (bad !== undefined) throw new Error(`"${bad}" is not a digit or a space: the model writes 0-9`);
    labels = [...state.text].map((c) => (c === ' ' ? -1 : c.charCodeAt(0) - 48));
  } else {
    labels = model.classNames.map((_, k) => k);
  }
  const z = new Float32Array(labels.length * D);
  labels.forEach((_, i) => z.set(hand, i * D));
  return { labels, z, cols: labels.length };
}
function command() {
  const ck = model.checkpoint, raw = model.options;  // the options that chose the generator (--raw-generator, --average N)
  if (!K) return `mnist_dcgan generate --checkpoint ${ck}${raw} --count ${GRID} --seed ${state.seed} --out grid.png`;
  if (state.blend !== 0 && state.blend !== 100) return `(a blend of the hands of seeds ${state.seed} and ${state.seed + 1}: move the slider to an end for a command)`;
  const seed = state.blend === 100 ? state.seed + 1 : state.seed;
  if (digits) return `mnist_dcgan write --checkpoint ${ck}${raw} --text "${state.text}" --seed ${seed} --out line.png`;
  return `mnist_dcgan generate --checkpoint ${ck}${raw} --count 1 --seed ${seed} --out row.png`;
}
async function draw() {
  writeHash();
  $('command').textContent = command();
  let c;
  try {
    c = cells();
  } catch (e) {
    setStatus(e.message, true);
    return;
  }
  const n = c.labels.length, drawn = c.labels.map((k, i) => i).filter((i) => c.labels[i] !== -1);
  const images = new Float32Array(n * 784).fill(-1);  // a space stays black, as in write
  if (drawn.length) {
    const z = new Float32Array(drawn.length * D);
    drawn.forEach((cell, j) => z.set(c.z.subarray(cell * D, cell * D + D), j * D));
    const feeds = { noise: new ort.Tensor('float32', z, [drawn.length, D]) };
    if (K) {
      const y = new Float32Array(drawn.length * K);
      drawn.forEach((cell, j) => { y[j * K + c.labels[cell]] = 1; });
      feeds.class_one_hot = new ort.Tensor('float32', y, [drawn.length, K]);
    }
    const out = (await session.run(feeds)).images.data;
    drawn.forEach((cell, j) => images.set(out.subarray(j * 784, j * 784 + 784), cell * 784));
  }
  show(images, n, c.cols);
  page.images = images;
  page.cells = n;
  setStatus(K ? `Hand of seed ${state.seed}` + (state.blend ? `, ${state.blend}% of the way to seed ${state.seed + 1}` : '') : `Noise of seed ${state.seed}`);
}
function show(images, n, cols) {  // a grid as the programs draw it: 28-pixel cells, 2 pixels apart
  const rows = Math.ceil(n / cols), pad = 2, W = cols * 28 + (cols + 1) * pad, H = rows * 28 + (rows + 1) * pad;
  const canvas = $('out'), ctx = canvas.getContext('2d');
  canvas.width = W;
  canvas.height = H;
  canvas.style.width = Math.min(W * 3, 1200) + 'px';
  const img = ctx.createImageData(W, H);
  for (let i = 0; i < n; ++i) {
    const x0 = pad + (i % cols) * (28 + pad), y0 = pad + Math.floor(i / cols) * (28 + pad);
    for (let p = 0; p < 784; ++p) {
      const v = Math.round((Math.min(1, Math.max(-1, images[i * 784 + p])) + 1) * 127.5);
      const o = ((y0 + Math.floor(p / 28)) * W + x0 + (p % 28)) * 4;
      img.data[o] = img.data[o + 1] = img.data[o + 2] = v;
    }
  }
  for (let o = 3; o < img.data.length; o += 4) img.data[o] = 255;
  ctx.putImageData(img, 0, 0);
}
async function start() {
  $('about').textContent = `The generator of ${model.checkpoint} (epoch ${model.epoch}, ${model.generator}), run by ONNX Runtime Web in this page. ` +
    (K ? (digits ? 'Type digits: the model writes them in one hand.' : `One image of each of its ${K} classes, in one hand.`) : 'A grid of 16 images.');
  $('runtime').textContent = `ONNX Runtime Web ${ORT_RUNTIME.version} (WebAssembly, one thread), loaded from the files beside this page.`;
  $('conditionalControls').hidden = !K;
  $('textLabel').hidden = !digits;
  $('gridControls').hidden = !!K;
  readHash();
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmBinary = bytesOf(ORT_RUNTIME.wasm);
  ort.env.wasm.wasmPaths = { mjs: URL.createObjectURL(new Blob([bytesOf(ORT_RUNTIME.loader)], { type: 'text/javascript' })) };
  session = await ort.InferenceSession.create(bytesOf(model.onnx), { executionProviders: ['wasm'] });
  let pending = Promise.resolve();
  const redraw = () => (pending = pending.then(draw).catch((e) => setStatus('Could not draw: ' + e.message, true)));
  $('text').addEventListener('input', () => { state.text = $('text').value; redraw(); });
  $('blend').addEventListener('input', () => { state.blend = Number($('blend').value); redraw(); });
  $('anotherHand').addEventListener('click', () => { state.seed += 1; state.blend = 0; $('blend').value = 0; redraw(); });
  $('newNoise').addEventListener('click', () => { state.seed += 1; redraw(); });
  page.settled = () => pending;  // resolves when every drawing asked for so far is on the canvas
  await redraw();
}
page.ready = start().catch((e) => {
  setStatus('The model could not be loaded: ' + e.message + '. If this browser blocks pages opened from files, serve the folder: ' +
            'python3 -m http.server --directory THIS_FOLDER 8000, then open http://localhost:8000/', true);
  throw e;
});
</script>
</body>
</html>
)PAGE";

}  // namespace mnist_dcgan
