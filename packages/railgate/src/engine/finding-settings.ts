import type { Action, Finding } from './types.js';

/** Decision settings a scanner's own params may carry per kind of finding (per PII entity, per secret label). */
export interface FindingSettings {
  action?: Action;
  threshold?: number;
}

/** Copies the settings that are set onto the finding, where the engine reads them instead of the rule's. */
export function applyFindingSettings(finding: Finding, settings: FindingSettings | undefined): Finding {
  if (settings?.action !== undefined) finding.action = settings.action;
  if (settings?.threshold !== undefined) finding.threshold = settings.threshold;
  return finding;
}
