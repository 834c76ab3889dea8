/** Styles of the "What would it take?" panel (a right-hand overlay like the what-if panel; variables from ../style.css) and of the sensitivity box in Expert review. */
export const STUDIES_CSS = `
#studies-panel { position: fixed; top: 52px; right: 8px; bottom: 52px; width: 600px; max-width: calc(100vw - 16px); z-index: 41; overflow-y: auto; background: var(--panel, #0c1422); border: 1px solid var(--line, #1f2c44); border-radius: 6px; padding: 8px 10px; box-shadow: 0 6px 24px rgba(0,0,0,0.5); font-size: 13px; }
#studies-panel[hidden] { display: none; }
#studies-panel .st-head { display: flex; gap: 8px; align-items: center; margin-bottom: 6px; }
#studies-panel .st-head b { flex: 1; color: var(--accent, #4fd1ff); font-size: 15px; }
#studies-panel .muted { color: var(--muted, #8fa0bd); font-size: 12px; }
#studies-panel h3 { font-size: 13px; color: var(--muted, #8fa0bd); margin: 10px 0 4px; }
#studies-panel a { color: var(--accent, #4fd1ff); }
#studies-panel input, #studies-panel select { font: inherit; color: var(--text, #e6ecf7); background: #16223a; border: 1px solid var(--line, #1f2c44); border-radius: 4px; padding: 1px 4px; }
#studies-panel input[type="number"] { width: 64px; }
#studies-panel .st-row { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 6px 0; }
#studies-panel .st-target, #studies-panel .st-lever { display: block; padding: 2px 0; }
#studies-panel .st-lever .st-lrange { margin-left: 22px; font-size: 12px; }
#studies-panel table { border-collapse: collapse; width: 100%; font-size: 12px; margin-top: 6px; }
#studies-panel th, #studies-panel td { border-bottom: 1px solid var(--line, #1f2c44); padding: 2px 4px; text-align: right; white-space: nowrap; }
#studies-panel th:first-child, #studies-panel td:first-child { text-align: left; }
#studies-panel tr.feasible td { color: var(--good, #3ccf91); }
#studies-panel .st-chart, .gs-chart { background: #fff; border-radius: 4px; padding: 4px; margin-top: 6px; }
#studies-panel .st-chart svg, .gs-chart svg { width: 100%; height: auto; }
#studies-panel progress { width: 100%; }
#studies-panel .st-ok { color: var(--good, #3ccf91); }
#studies-panel .st-err { color: var(--bad, #ef5a5a); }
#studies-panel .st-result { border: 1px solid var(--accent, #4fd1ff); border-radius: 4px; padding: 6px; margin: 8px 0; }
.gs-box h4 { font-size: 12px; margin: 8px 0 2px; }
`;
