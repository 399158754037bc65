import { RISK_TIERS } from "../../model/risk/rules";
import { RISK_BADGES } from "./colours";

const badgeRules = RISK_TIERS.map(
  (tier) =>
    `.badge-${tier}{color:${RISK_BADGES[tier].foreground};background:${RISK_BADGES[tier].background};border-color:${RISK_BADGES[tier].foreground}}`,
).join("\n");

/** The dashboard's style sheet: system fonts, visible focus, AA contrast everywhere. */
export const DASHBOARD_CSS = `
:root{color-scheme:light;--text:#1b1b1f;--muted:#4a4a55;--line:#c9c9d3;--panel:#f5f5f8;--focus:#1a4fd6;--link:#1447b8}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--text);background:#fff}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:#fff;padding:.5rem 1rem}
.skip:focus{left:1rem;top:1rem;z-index:10}
.visually-hidden{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
header,main{max-width:1280px;margin:0 auto;padding:1rem 1.5rem}
header{border-bottom:1px solid var(--line)}
h1{font-size:1.6rem;margin:.2rem 0}
h2{font-size:1.2rem;margin:1.2rem 0 .5rem}
h3{font-size:1rem;margin:1rem 0 .3rem}
.meta{color:var(--muted);margin:.2rem 0 .6rem}
.tiers{display:flex;flex-wrap:wrap;gap:.6rem;list-style:none;padding:0;margin:.4rem 0}
.tiers li{display:flex;align-items:center;gap:.35rem}
.badge{display:inline-block;padding:.05rem .55rem;border-radius:999px;border:1px solid;font-weight:600;font-size:.85rem;white-space:nowrap}
${badgeRules}
.badge-status-disabled{color:#2e2e33;background:#e4e4ea;border-color:#2e2e33}
.badge-status-active{color:#0b3d6b;background:#e3eefb;border-color:#0b3d6b}
.flag{display:inline-block;margin:0 .25rem .15rem 0;padding:0 .45rem;border-radius:4px;font-size:.8rem;color:#3b1f66;background:#efe7fb;border:1px solid #3b1f66;white-space:nowrap}
.expiring{margin:0;padding-left:1.2rem}
.expiring li{margin:.15rem 0}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:.75rem 1rem;align-items:end;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:1rem}
.field{display:flex;flex-direction:column;gap:.25rem}
.field label{font-weight:600;font-size:.9rem}
.field input,.field select{font:inherit;padding:.35rem .5rem;border:1px solid #6b6b78;border-radius:6px;background:#fff;color:var(--text)}
.checks{display:flex;flex-direction:column;gap:.3rem}
.checks label{font-weight:500}
button{font:inherit;cursor:pointer}
button.reset{padding:.4rem .8rem;border:1px solid #6b6b78;border-radius:6px;background:#fff;color:var(--text)}
#result-count{font-weight:600;margin:.6rem 0}
table{border-collapse:collapse;width:100%}
#agents th,#agents td{text-align:left;vertical-align:top;padding:.5rem .6rem;border-bottom:1px solid var(--line)}
#agents thead th{background:var(--panel);font-size:.85rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
#agents tbody tr.agent-row:hover{background:#fafafc}
.agent-toggle{white-space:nowrap;background:none;border:0;padding:0;color:var(--link);font-weight:700;text-decoration:underline;text-align:left}
.agent-toggle::before{content:"▸ ";display:inline-block;width:1em;text-decoration:none}
.agent-toggle[aria-expanded="true"]::before{content:"▾ "}
.owner{white-space:nowrap}
.nowrap{white-space:nowrap}
ul.reasons{margin:.2rem 0 0;padding-left:1.2rem}
tr.detail-row>td{background:var(--panel);padding:0!important}
.detail{padding:1rem 1.25rem;border-left:4px solid var(--focus)}
.detail .purpose{font-size:1.05rem;margin:0 0 .6rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.4rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
details{margin-top:.8rem;border:1px solid var(--line);border-radius:6px;background:#fff;padding:.4rem .8rem}
summary{cursor:pointer;font-weight:600}
code{font:.85rem/1.4 ui-monospace,"DejaVu Sans Mono",monospace;word-break:break-all}
table.grants{margin-top:.5rem;font-size:.85rem}
table.grants th,table.grants td{border-bottom:1px solid var(--line);padding:.3rem .4rem;text-align:left;vertical-align:top}
#no-results{font-style:italic}
`;
