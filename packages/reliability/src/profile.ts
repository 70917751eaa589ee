/**
 * Picks the short profile of a fault or load suite under `CI=true` (or `MEMORY_FAULTS_PROFILE=ci`),
 * the full one otherwise (`MEMORY_FAULTS_PROFILE=full` forces it).
 */
export function ciProfile<T>(profiles: { ci: T; full: T }): T {
  const forced = process.env.MEMORY_FAULTS_PROFILE;
  if (forced === 'ci') return profiles.ci;
  if (forced === 'full') return profiles.full;
  return process.env.CI === 'true' || process.env.CI === '1' ? profiles.ci : profiles.full;
}
