// ganlite/report/report_page.hpp — the HTML, style and script of a run's report page.
//
// run_report.hpp puts the run's data in place of @RUN_JSON@ (and the title in place of
// @TITLE@). Everything the page needs is in it: no library, font, style or script from outside,
// no fetch(). The script draws
//   - the run's state, progress, timing and settings;
//   - the sample grid of one epoch, chosen with a slider (or the arrow keys), the newest by
//     default; the choice is kept in the URL (#epoch=E), so a reload shows the same epoch;
//   - the run's SVG charts (RUN.charts: a GAN's D and G loss, and mean D(x) and D(G(z)); a VAE's
//     terms) with one point per training step, an exponentially smoothed line whose weight a
//     slider sets (kept in the URL as &smooth=S), epochs marked on the x-axis and the values
//     under the pointer;
// and, while the run is going, reloads the page every 30 seconds.
#pragma once

namespace ganlite::detail {

inline constexpr const char* kReportPage = R"PAGE(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="generator" content="ganlite">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f4f5f7; }
header { background: #1d232a; color: #fff; padding: 14px 24px; }
header h1 { font-size: 20px; margin: 0 0 4px; }
main { display: grid; grid-template-columns: minmax(320px, 460px) 1fr; gap: 18px; padding: 18px 24px; }
section { background: #fff; border-radius: 8px; padding: 14px 18px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h2 { font-size: 15px; margin: 0 0 10px; }
.state { display: inline-block; padding: 1px 9px; border-radius: 10px; font-weight: 600; }
.running { background: #2a7ae2; } .finished { background: #2e9d4f; } .stopped { background: #c98a0b; } .failed { background: #c93a3a; }
.bar { height: 8px; background: #3a434d; border-radius: 4px; margin-top: 8px; max-width: 640px; }
.bar div { height: 100%; background: #6cc070; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; }
td { padding: 2px 6px; border-bottom: 1px solid #eceef1; vertical-align: top; }
td:first-child { color: #5b6570; white-space: nowrap; }
#grid { width: 100%; image-rendering: pixelated; border: 1px solid #d5d9de; background: #000; }
input[type=range] { width: 100%; }
.charts section { margin-bottom: 18px; }
svg { width: 100%; height: auto; display: block; font-size: 11px; }
.raw { fill: none; stroke-width: 1; opacity: .28; }
.smooth { fill: none; stroke-width: 2; }
.axis { stroke: #9aa3ad; } .epochline { stroke: #e3e6ea; } .cursor { stroke: #555; stroke-dasharray: 3 3; }
.readout { min-height: 1.4em; color: #333; font-variant-numeric: tabular-nums; }
a { color: #1b62c4; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header><h1 id="title"></h1><div id="status"></div><div class="bar"><div id="progress"></div></div></header>
<main>
<div>
<section><h2 id="gridTitle">Samples</h2><img id="grid" alt="sample grid">
<input id="epochSlider" type="range" min="0" max="0" step="1" aria-label="epoch">
<div class="readout" id="gridNote"></div></section>
<section><h2>Files</h2><div id="links"></div></section>
<section><h2>Settings</h2><table id="settings"></table></section>
</div>
<div class="charts">
<section><label>Smoothing <input id="smooth" type="range" min="0" max="0.99" step="0.01" style="width:220px"></label>
<span id="smoothValue"></span></section>
<div id="runCharts"></div>
</div>
</main>
<script>
"use strict";
const RUN = @RUN_JSON@;
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
function hms(s) {
  if (s == null || s < 0) return "–";
  s = Math.round(s);
  const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, x = s % 60;
  return (h ? h + "h " : "") + (h || m ? m + "m " : "") + x + "s";
}
function readHash() {
  const o = {};
  for (const part of location.hash.replace(/^#/, "").split("&")) {
    const kv = part.split("=");
    if (kv.length !== 2) continue;
    try { o[kv[0]] = decodeURIComponent(kv[1]); } catch (e) { /* a cut or hand-edited URL: that part is ignored */ }
  }
  return o;
}
const view = readHash();
function writeHash() {
  const h = "#epoch=" + (view.epoch ?? "") + "&smooth=" + view.smooth;
  try { history.replaceState(null, "", h); } catch (e) { location.replace(h); }
}

// Header: state, progress, timing.
$("title").textContent = RUN.title;
document.title = RUN.title + " — " + RUN.state;
const secs = RUN.epochSeconds.slice().sort((a, b) => a - b);
const median = secs.length ? secs[Math.floor(secs.length / 2)] : null;
$("status").innerHTML = "";
const badge = document.createElement("span");
badge.className = "state " + RUN.state;
badge.textContent = RUN.state;
$("status").append(badge, " " + (RUN.stateDetail ? RUN.stateDetail + " · " : "") + "epoch " + RUN.epochsDone + " of " +
  RUN.epochsTotal + (RUN.stepsIntoEpoch ? " (+" + RUN.stepsIntoEpoch + " of " + RUN.stepsPerEpoch + " steps)" : "") +
  " · training time " + hms(RUN.elapsed) + " · per epoch " + (median == null ? "–" : hms(median) + " (median), last " +
  hms(secs.length ? RUN.epochSeconds[RUN.epochSeconds.length - 1] : null)) +
  (RUN.state === "running" ? " · ETA " + hms(RUN.eta) : "") + " · page written " + RUN.updated);
$("progress").style.width = Math.min(100, 100 * (RUN.epochsDone + RUN.stepsIntoEpoch / RUN.stepsPerEpoch) / Math.max(1, RUN.epochsTotal)) + "%";

for (const [k, v] of RUN.settings) {
  const tr = $("settings").insertRow();
  tr.insertCell().textContent = k;
  tr.insertCell().textContent = v;
}
for (const [label, href] of RUN.links) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = label;
  $("links").append(a, document.createElement("br"));
}
if (!RUN.links.length) $("links").textContent = "none yet";

// Samples: one grid per epoch, behind a slider.
const slider = $("epochSlider");
function showGrid(i) {
  if (!RUN.grids.length) { $("gridNote").textContent = "no grid yet: the first appears after epoch 1"; $("grid").hidden = true; return; }
  i = Math.max(0, Math.min(RUN.grids.length - 1, i));
  slider.value = i;
  const [epoch, file] = RUN.grids[i];
  $("grid").src = file;
  $("gridTitle").textContent = "Samples after epoch " + epoch;
  $("gridNote").textContent = "epoch " + epoch + " of " + RUN.grids[RUN.grids.length - 1][0] + " (slider or ← →)";
  view.epoch = epoch;
  writeHash();
}
slider.max = Math.max(0, RUN.grids.length - 1);
slider.addEventListener("input", () => showGrid(+slider.value));
document.addEventListener("keydown", (e) => {
  if (e.target === slider || e.target.tagName === "INPUT") return;  // a focused slider moves itself
  if (e.key === "ArrowLeft") showGrid(+slider.value - 1);
  if (e.key === "ArrowRight") showGrid(+slider.value + 1);
});

// Charts.
const S = RUN.steps, N = S.epoch.length, spe = Math.max(1, RUN.stepsPerEpoch);
const X = S.epoch.map((e, i) => e - 1 + S.step[i] / spe);  // x in epochs
function smoothed(ys, w) {  // exponential moving average, debiased as TensorBoard's
  const out = [];
  let acc = 0, norm = 0;
  for (const y of ys) {
    if (y == null) { out.push(null); continue; }
    acc = w * acc + (1 - w) * y;
    norm = w * norm + (1 - w);
    out.push(acc / norm);
  }
  return out;
}
function el(parent, tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  if (text != null) e.textContent = text;
  parent.appendChild(e);
  return e;
}
const charts = RUN.charts.map((c) => {  // a section per chart: its title, its SVG, its readout
  const section = document.createElement("section"), h = document.createElement("h2"), readout = document.createElement("div");
  h.textContent = c.title;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("id", c.id + "Chart");
  svg.setAttribute("viewBox", "0 0 900 300");
  readout.className = "readout";
  readout.id = c.id + "Readout";
  section.append(h, svg, readout);
  $("runCharts").append(section);
  return { svg, readout, series: c.curves.map(([label, color, column]) => [label, color, S.values[column] || []]) };
});
function draw(chart, w) {
  const svg = chart.svg, W = 900, H = 300, L = 52, R = 12, T = 26, B = 34;
  svg.innerHTML = "";
  const all = chart.series.flatMap((s) => s[2]).filter((v) => v != null);
  let lo = Math.min(...all, Infinity), hi = Math.max(...all, -Infinity);
  if (!isFinite(lo)) { lo = 0; hi = 1; }
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  // The x-axis spans what exists (epochs done, steps drawn), never the planned epochs: a run
  // asked for 100000 epochs and stopped at 3 draws 3.
  const x0 = 0, x1 = Math.max(1, RUN.epochsDone, Math.ceil(N ? X[N - 1] : 0));
  const px = (x) => L + (x - x0) / (x1 - x0) * (W - L - R), py = (y) => T + (hi - y) / (hi - lo) * (H - T - B);
  const every = Math.max(1, Math.ceil(x1 / 20));
  for (let e = 0; e <= x1; e++) {
    el(svg, "line", { class: "epochline", x1: px(e), x2: px(e), y1: T, y2: H - B });
    if (e % every === 0) el(svg, "text", { x: px(e), y: H - B + 14, "text-anchor": "middle" }, e);
  }
  el(svg, "text", { x: (W + L) / 2, y: H - 4, "text-anchor": "middle" }, "epoch");
  for (let k = 0; k <= 4; k++) {
    const y = lo + (hi - lo) * k / 4;
    el(svg, "text", { x: L - 6, y: py(y) + 4, "text-anchor": "end" }, y.toPrecision(3));
  }
  el(svg, "line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B });
  el(svg, "line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B });
  chart.series.forEach(([name, color, ys], k) => {
    const pts = (vals) => vals.map((y, i) => y == null ? null : px(X[i]).toFixed(1) + "," + py(y).toFixed(1)).filter((p) => p).join(" ");
    el(svg, "polyline", { class: "raw", stroke: color, points: pts(ys), "data-series": name });
    el(svg, "polyline", { class: "smooth", stroke: color, points: pts(smoothed(ys, w)) });
    el(svg, "text", { x: L + 10 + k * 110, y: 16, fill: color, "font-weight": 600 }, "— " + name);
  });
  const cursor = el(svg, "line", { class: "cursor", y1: T, y2: H - B, visibility: "hidden" });
  const hit = el(svg, "rect", { x: L, y: T, width: W - L - R, height: H - T - B, fill: "transparent" });
  const sm = chart.series.map((s) => smoothed(s[2], w));
  hit.addEventListener("mousemove", (ev) => {
    if (!N) return;
    const p = svg.createSVGPoint();
    p.x = ev.clientX; p.y = ev.clientY;
    const x = x0 + (p.matrixTransform(svg.getScreenCTM().inverse()).x - L) / (W - L - R) * (x1 - x0);
    let a = 0, b = N - 1;  // nearest step by x
    while (b - a > 1) { const m = (a + b) >> 1; if (X[m] < x) a = m; else b = m; }
    const i = Math.abs(X[a] - x) <= Math.abs(X[b] - x) ? a : b;
    cursor.setAttribute("x1", px(X[i])); cursor.setAttribute("x2", px(X[i]));
    cursor.setAttribute("visibility", "visible");
    const fmt = (v) => v == null ? "–" : v.toFixed(4);
    chart.readout.textContent = "epoch " + S.epoch[i] + ", step " + S.step[i] + ":  " +
      chart.series.map((s, k) => s[0] + " " + fmt(s[2][i]) + " (smoothed " + fmt(sm[k][i]) + ")").join(",  ");
  });
  hit.addEventListener("mouseleave", () => { cursor.setAttribute("visibility", "hidden"); chart.readout.textContent = ""; });
}
const smoothInput = $("smooth");
function redraw() {
  const w = Math.max(0, Math.min(0.99, +smoothInput.value));
  $("smoothValue").textContent = w.toFixed(2);
  for (const c of charts) draw(c, w);
  view.smooth = w;
  writeHash();
}
smoothInput.addEventListener("input", redraw);

// Start from the URL's epoch and smoothing, else the newest grid and 0.9.
const wanted = RUN.grids.findIndex((g) => g[0] === +view.epoch);
view.smooth = view.smooth != null && isFinite(+view.smooth) ? +view.smooth : 0.9;
smoothInput.value = view.smooth;
showGrid(wanted >= 0 ? wanted : RUN.grids.length - 1);
redraw();
if (RUN.state === "running") setTimeout(() => location.reload(), 30000);
</script>
</body>
</html>
)PAGE";

}  // namespace ganlite::detail
