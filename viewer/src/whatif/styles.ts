/** Styles of the what-if and expert-review panel: a right-hand overlay in the viewer's dark theme (variables from ../style.css), opaque because it lies over the map and the info panels. Injected as a <style> element so the panel stays one import. */
export const WHATIF_CSS = `
#whatif-panel { position: fixed; top: 52px; right: 8px; bottom: 52px; width: 440px; z-index: 40; overflow-y: auto; background: #0c1422; border: 1px solid var(--line, #1f2c44); border-radius: 6px; padding: 8px 10px; box-shadow: 0 6px 24px rgba(0,0,0,0.5); }
#whatif-panel[hidden] { display: none; }
#whatif-panel .wi-head { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
#whatif-panel .wi-head .wi-title { flex: 1; color: var(--accent, #4fd1ff); font-size: 15px; }
#whatif-panel .wi-tabs button.active { background: #0e4a66; border-color: var(--accent, #4fd1ff); }
#whatif-panel .muted { color: var(--muted, #8fa0bd); font-size: 12px; }
#whatif-panel h3 { font-size: 14px; color: var(--muted, #8fa0bd); margin: 12px 0 6px; }
#whatif-panel a { color: var(--accent, #4fd1ff); }
#whatif-panel details { border: 1px solid var(--line, #1f2c44); border-radius: 4px; margin: 6px 0; padding: 4px 6px; }
#whatif-panel details.wi-group { margin-left: 6px; }
#whatif-panel summary { cursor: pointer; }
#whatif-panel .wi-count { color: var(--warn, #f5b942); font-weight: 600; margin-left: 6px; }
#whatif-panel .wi-param { padding: 4px 0; border-bottom: 1px dashed rgba(255,255,255,0.06); }
#whatif-panel .wi-param.changed { background: rgba(245,185,66,0.10); }
#whatif-panel .wi-param label { display: block; font-family: ui-monospace, Menlo, monospace; font-size: 12px; }
#whatif-panel .wi-desc { color: var(--muted, #8fa0bd); font-size: 11px; }
#whatif-panel input, #whatif-panel select { font: inherit; color: var(--text, #e6ecf7); background: #16223a; border: 1px solid var(--line, #1f2c44); border-radius: 4px; padding: 2px 5px; max-width: 100%; }
#whatif-panel input[type="number"] { width: 110px; }
#whatif-panel input.tp { width: 70px; margin-right: 4px; }
#whatif-panel .wi-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
#whatif-panel progress { width: 100%; }
#whatif-panel .wi-ok { color: var(--good, #3ccf91); }
#whatif-panel .wi-err { color: var(--bad, #ef5a5a); }
#whatif-panel .tn-p { display: inline-block; margin: 2px 8px 2px 0; font-size: 12px; }
#whatif-panel .tn-chart { background: #fff; border-radius: 4px; padding: 4px; margin-top: 6px; }
#whatif-panel .tn-chart svg { width: 100%; height: auto; }
#whatif-panel code.ro { font-size: 11px; color: var(--muted, #8fa0bd); word-break: break-all; }
#whatif-panel #wi-levers { border: 1px solid var(--line, #1f2c44); border-radius: 4px; padding: 2px 8px 6px; margin: 6px 0; }
#whatif-panel #wi-levers h3 { margin-top: 6px; color: var(--accent, #4fd1ff); }
#whatif-panel .wi-lever { padding: 5px 0; border-bottom: 1px dashed rgba(255,255,255,0.08); }
#whatif-panel .wi-lever.changed { background: rgba(245,185,66,0.10); }
#whatif-panel .wi-lever-name { font-size: 13px; }
#whatif-panel .wi-lever-row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin: 2px 0; }
#whatif-panel .wi-slider { flex: 1 1 160px; min-width: 120px; padding: 0; }
#whatif-panel input.wi-lever-num { width: 76px; }
#whatif-panel .wi-unit { color: var(--muted, #8fa0bd); font-size: 12px; }
#whatif-panel .wi-x2 { padding: 1px 8px; }
#whatif-panel .wi-ytable { flex-basis: 100%; overflow-x: auto; }
#whatif-panel .wi-ytable table { border-collapse: collapse; font-size: 12px; margin: 4px 0 2px; }
#whatif-panel .wi-ytable th, #whatif-panel .wi-ytable td { padding: 1px 3px; text-align: right; white-space: nowrap; }
#whatif-panel .wi-ytable th:first-child { text-align: left; font-weight: normal; color: var(--muted, #8fa0bd); max-width: 120px; overflow: hidden; text-overflow: ellipsis; }
#whatif-panel .wi-base-row td { color: var(--muted, #8fa0bd); }
#whatif-panel input.wi-cell { width: 50px; padding: 1px 3px; text-align: right; }
#whatif-panel input.wi-cell.changed { border-color: var(--warn, #f5b942); }
#whatif-panel input.wi-cell.invalid { border-color: var(--bad, #ef5a5a); background: rgba(239,90,90,0.18); }
#whatif-panel .wi-cell-msg { margin: 2px 0; padding-left: 16px; font-size: 12px; }
#whatif-panel #wi-advanced > summary { font-weight: 600; }
#whatif-panel .wi-param label { font-family: inherit; font-size: 13px; }
.diff-se small.se-band { opacity: 0.8; }
.diff-noise { color: var(--muted, #8fa0bd); }
`;
