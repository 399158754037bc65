import type { RiskTier } from "../../model/risk/rules";

/**
 * The risk badge of each tier: text and colour together (never colour alone), each pair with a
 * contrast ratio of at least 4.5:1, WCAG 2.2 success criterion 1.4.3 (AA) for normal text.
 * `test/reports/dashboard-html.test.ts` computes the ratios.
 */
export const RISK_BADGES: Readonly<
  Record<
    RiskTier,
    { readonly label: string; readonly symbol: string; readonly foreground: string; readonly background: string }
  >
> = {
  low: { label: "Low", symbol: "●", foreground: "#0b4f1f", background: "#dcf3e3" },
  medium: { label: "Medium", symbol: "▲", foreground: "#5a3f00", background: "#fff1c2" },
  high: { label: "High", symbol: "◆", foreground: "#7a2400", background: "#ffdcc8" },
  critical: { label: "Critical", symbol: "■", foreground: "#ffffff", background: "#a3001b" },
};

/** WCAG's minimum contrast for normal text at level AA. */
export const WCAG_AA_CONTRAST = 4.5;

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance of a `#rrggbb` colour (WCAG 2.2 definition). */
export function relativeLuminance(hex: string): number {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new Error(`expected a #rrggbb colour, got "${hex}"`);
  const [r, g, b] = match.slice(1).map((part) => channel(parseInt(part, 16))) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The WCAG contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}
