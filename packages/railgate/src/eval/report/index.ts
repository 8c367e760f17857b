/**
 * The self-contained HTML report of an eval result, built from the `railgate.eval/1` document alone (so a
 * saved result renders the same report later): header, gate, headline figures, the comparison, per-category
 * table and confusion matrices, the dial/ROC/PR/reliability charts per rule, what each rule did, and the
 * worst errors with their spans highlighted.
 *
 * @example
 * ```ts
 * const result = await evaluate({ sources: [{ suite: 'builtin' }], policies: ['default', 'strict'] });
 * writeFileSync('report.html', renderReport(result));
 * ```
 */
import type { EvalResult } from '../result.js';
import { examplesSection } from './examples.js';
import { html } from './html.js';
import { type NavLink, page } from './page.js';
import { rulesSection } from './rules.js';
import {
  aboutSection,
  categoriesSection,
  comparisonSection,
  contributionSection,
  gateSection,
  headerSection,
  overviewSection,
} from './sections.js';

export function renderReport(result: EvalResult): string {
  const links: NavLink[] = [
    ...(result.gate ? [{ id: 'gate', text: 'Gate' }] : []),
    { id: 'overview', text: 'Overall' },
    ...(result.policies.length > 1 ? [{ id: 'comparison', text: 'Side by side' }] : []),
    { id: 'categories', text: 'Categories' },
    { id: 'rules', text: 'The dial & curves' },
    { id: 'contribution', text: 'Rules' },
    { id: 'examples', text: 'Worst errors' },
    { id: 'about', text: 'About' },
  ];
  const body = html`${headerSection(result)}${gateSection(result)}${overviewSection(result)}${comparisonSection(result)}${categoriesSection(result)}${rulesSection(result)}${contributionSection(result)}${examplesSection(result)}${aboutSection(result)}`;
  return page(result, links, body);
}
