/** The risk dashboard: one self-contained HTML page over the inventory. */
export { renderDashboard, escapeHtml, jsonForScript, riskBadge, dashboardOrder, type DashboardOptions } from "./html";
export { RISK_BADGES, WCAG_AA_CONTRAST, contrastRatio, relativeLuminance } from "./colours";
export { DASHBOARD_SCRIPT } from "./client-script";
