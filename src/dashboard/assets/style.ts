/** @module The dashboard's stylesheet, served from the Worker (no CDN; the CSP allows only 'self'). */
export const STYLE = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--panel:#f6f8fa;--link:#0550ae;
--completed:#1a7f37;--warning:#9a6700;--failed:#cf222e;--killed:#57606a;--running:#0969da;--delayed:#8250df;
--waiting:#bc4c00;--paused:#6e7781;--pending:#8c959f;--skipped:#afb8c1;--killing:#a40e26}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible,[tabindex]:focus-visible{outline:3px solid #0969da;outline-offset:2px}
header.top{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center;padding:.5rem 1rem;background:#24292f;color:#fff}
header.top a{color:#fff;text-decoration:none;font-weight:600}
header.top a[aria-current=page]{text-decoration:underline}
header.top .brand{font-size:1.1rem;margin-right:.5rem}
header.top form{margin-left:auto}
header.top button{background:none;border:1px solid #8c959f;color:#fff}
main{max-width:1240px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.25rem 0 .75rem;word-break:break-all}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem;border-bottom:1px solid var(--line);padding-bottom:.25rem}
h3{font-size:1rem;margin:1rem 0 .4rem}
.muted{color:var(--muted)}
.wrap{word-break:break-all;min-width:10rem}
.node.st-plain rect{stroke:#57606a}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{background:var(--panel);font-weight:600;white-space:nowrap}
td.num,th.num{text-align:right}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:var(--panel);border:1px solid var(--line);padding:.5rem;overflow:auto;max-height:24rem;margin:.25rem 0;white-space:pre-wrap;word-break:break-word}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;word-break:break-all}
.badge{display:inline-block;padding:0 .45rem;border:1px solid currentColor;border-radius:1rem;font-weight:600;white-space:nowrap;font-size:.85rem}
.badge.st-completed,.legend .st-completed{color:var(--completed)}.badge.st-warning{color:var(--warning)}.badge.st-failed{color:var(--failed)}
.badge.st-killed{color:var(--killed)}.badge.st-running{color:var(--running)}.badge.st-delayed{color:var(--delayed)}
.badge.st-waiting{color:var(--waiting)}.badge.st-paused{color:var(--paused)}.badge.st-pending{color:var(--muted)}
.badge.st-skipped{color:var(--muted);border-style:dashed}.badge.st-killing{color:var(--killing)}
.chips{display:inline-flex;flex-wrap:wrap;gap:.25rem}.chip{display:inline-block;padding:0 .45rem;border:1px solid var(--line);border-radius:.3rem;background:var(--panel);font-size:.8rem;white-space:nowrap;text-decoration:none}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:.5rem 0 1rem;padding:.75rem;background:var(--panel);border:1px solid var(--line)}
form.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
input,select,textarea,button{font:inherit;color:inherit}
input,select,textarea{border:1px solid #8c959f;border-radius:4px;padding:.3rem .4rem;background:#fff}
textarea{width:100%;min-height:6rem;font-family:ui-monospace,monospace;font-size:12.5px}
button{border:1px solid #8c959f;border-radius:6px;background:#f6f8fa;padding:.35rem .8rem;cursor:pointer;font-weight:600}
button.danger{color:#fff;background:var(--failed);border-color:var(--failed)}
button.primary{color:#fff;background:var(--completed);border-color:var(--completed)}
.actions{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.actions form{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;padding:.5rem;border:1px solid var(--line);border-radius:6px}
.actions label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
.result:empty{display:none}
.result{flex-basis:100%;margin:.25rem 0 0;padding:.4rem .6rem;border-radius:4px;background:#dafbe1;border:1px solid var(--completed)}
.result.error,.problem{background:#ffebe9;border:1px solid var(--failed);padding:.4rem .6rem;border-radius:4px}
.pager{display:flex;gap:1rem;margin:.5rem 0;flex-wrap:wrap}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(16rem,1fr));gap:1rem}
.live-note{display:block;font-size:.8rem;color:var(--muted);margin:.15rem 0}
svg text{font:12px system-ui,sans-serif;fill:var(--fg)}
svg .axis line,.chart .baseline{stroke:var(--line)}
svg .axis text{fill:var(--muted);font-size:11px}
.chart-axis{display:flex;justify-content:space-between;color:var(--muted);font-size:.8rem}
.chart svg{display:block;border:1px solid var(--line);background:#fff}
.gantt .stripe{fill:var(--panel)}
.gantt-status{font-size:11.5px}
.gantt a text{fill:var(--link);text-decoration:underline}
.seg rect{fill:var(--pending)}
.seg.st-completed rect{fill:var(--completed)}.seg.st-failed rect{fill:var(--failed)}.seg.st-killed rect{fill:var(--killed)}
.seg.st-running rect{fill:var(--running)}.seg.st-warning rect{fill:var(--warning)}.seg.st-waiting rect{fill:var(--waiting)}
.seg.st-delayed rect{fill:var(--delayed)}
.seg-backoff rect{fill:#fff !important;stroke:var(--delayed);stroke-width:1.5;stroke-dasharray:3 2}
.seg-delay rect{fill:var(--delayed) !important;fill-opacity:.45;stroke:var(--delayed)}
.seg-event rect{fill:var(--waiting) !important;fill-opacity:.4;stroke:var(--waiting)}
.seg-child rect{fill:var(--running) !important;fill-opacity:.35;stroke:var(--running)}
.seg-span rect{fill-opacity:.6}
.seg.open rect{stroke:var(--fg);stroke-dasharray:2 2}
.seg:focus rect,.seg:hover rect{stroke:var(--fg);stroke-width:2}
.key{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.25rem 0;font-size:.85rem}
.key .sw{display:inline-block;width:1.4em;height:.8em;margin-right:.3em;vertical-align:middle;border:1px solid var(--fg)}
.sw-attempt{background:var(--completed)}.sw-failed{background:var(--failed)}.sw-backoff{background:#fff;border-style:dashed !important;border-color:var(--delayed) !important}
.sw-delay{background:#c7b3ef}.sw-event{background:#f0c2a0}.sw-child{background:#a9c9f0}.sw-span{background:var(--completed);height:.35em !important}
.node rect{fill:#fff;stroke:var(--pending);stroke-width:2}
.node.container>rect{fill:#fbfcfd;stroke-width:1.5}
.node.st-completed rect{stroke:var(--completed);fill:#eefbf1}.node.st-failed rect{stroke:var(--failed);fill:#fff0ee}
.node.st-running rect,.node.st-pending rect{stroke:var(--running)}.node.st-waiting rect{stroke:var(--waiting)}
.node.st-delayed rect{stroke:var(--delayed)}.node.st-killed rect{stroke:var(--killed);fill:#f2f3f5}
.node.st-warning rect{stroke:var(--warning);fill:#fff8e5}
.node.st-skipped rect,.node.st-notrun rect{stroke:var(--skipped);stroke-dasharray:5 3;fill:#fff}
.node.container.st-completed>rect{fill:#f7fdf8}
.node-name{font-weight:600}
.node-detail{fill:var(--muted);font-size:11.5px}
.node.st-skipped text,.node.st-notrun text{fill:var(--muted)}
.lane rect{fill:none;stroke:var(--line);stroke-dasharray:2 2}
.lane-label{fill:var(--muted);font-size:11px}
.lane-skipped .lane-label{font-style:italic}
.lane-handler rect{stroke:#8250df;stroke-dasharray:5 3}
.lane-handler .lane-label{fill:#8250df}
.handler .gantt-label{font-style:italic}
.handler .seg rect{stroke:#8250df;stroke-width:1;stroke-dasharray:3 2}
.handler-rule{stroke:#8250df;stroke-dasharray:5 3}
.edge{stroke:#57606a;stroke-width:1.5}
.arrowhead{fill:#57606a}
.chart rect.hit{fill:transparent}
.chart .bar:hover rect.hit{fill:var(--panel)}
.chart rect.st-completed{fill:var(--completed)}.chart rect.st-warning{fill:var(--warning)}.chart rect.st-failed{fill:var(--failed)}
.chart rect.st-killed{fill:var(--killed)}.chart rect.st-running{fill:var(--running)}
figure.chart{margin:0 0 1rem}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;list-style:none;padding:0;margin:.25rem 0;font-size:.85rem}
.legend .swatch{display:inline-block;width:.8em;height:.8em;margin-right:.3em;background:currentColor}
.legend .st-warning{color:var(--warning)}.legend .st-failed{color:var(--failed)}.legend .st-killed{color:var(--killed)}.legend .st-running{color:var(--running)}
.diff .added{background:#dafbe1}.diff .removed{background:#ffebe9}
.diff span{display:block;white-space:pre-wrap}
.tip{position:absolute;z-index:10;max-width:28rem;background:#24292f;color:#fff;padding:.35rem .5rem;border-radius:4px;font-size:.85rem;pointer-events:none}
.summary-box{padding:.5rem .75rem;border:1px dashed var(--line);background:var(--panel);margin:.5rem 0}
details>summary{cursor:pointer}
.lvl-error{color:var(--failed);font-weight:600}.lvl-warn{color:var(--warning);font-weight:600}.lvl-debug{color:var(--muted)}
.login{max-width:24rem;margin:3rem auto;display:flex;flex-direction:column;gap:.75rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:640px){main{padding:.5rem}th,td{padding:.3rem}dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:.3rem}.hide-narrow{display:none}}
`
