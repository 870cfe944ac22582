import { PropertyValidationError } from './portal-objects';
import type { PropertyDefinition } from './property-definitions';

// Properties HubSpot maintains itself: a write to them through the API is ignored, not an error.
export const SYSTEM_PROPERTIES = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);

/**
 * Checks property values as HubSpot does (unknown properties, enumeration options, numbers) and
 * returns them as stored: strings, "" as no value, system properties dropped. Throws every problem at once.
 */
export function validateProperties(
  definitions: ReadonlyMap<string, PropertyDefinition>,
  props: Record<string, unknown>,
): Record<string, string | null> {
  const problems: { name: string; error: string; message: string }[] = [];
  const clean: Record<string, string | null> = {};
  for (const [name, raw] of Object.entries(props)) {
    const def = definitions.get(name);
    if (!def) {
      problems.push({ name, error: 'PROPERTY_DOESNT_EXIST', message: `Property "${name}" does not exist` });
      continue;
    }
    if (SYSTEM_PROPERTIES.has(name)) continue;
    const value = raw === null || raw === undefined ? null : String(raw);
    // An enumeration accepts only its options; HubSpot's own owner-like enumerations list theirs elsewhere (none here).
    if (value !== null && value !== '' && def.type === 'enumeration' && (def.options.length > 0 || !def.hubspotDefined)) {
      const allowed = new Set(def.options.map((o) => o.value));
      const parts = def.fieldType === 'checkbox' ? value.split(';').filter(Boolean) : [value];
      const bad = parts.find((p) => !allowed.has(p));
      if (bad !== undefined) {
        problems.push({
          name,
          error: 'INVALID_OPTION',
          message: `${bad} was not one of the allowed options: [${[...allowed].join(', ')}]`,
        });
        continue;
      }
    }
    if (value !== null && value !== '' && def.type === 'number' && !Number.isFinite(Number(value))) {
      problems.push({ name, error: 'INVALID_LONG', message: `${value} is not a valid number` });
      continue;
    }
    // HubSpot stores "" as "no value".
    clean[name] = value === '' ? null : value;
  }
  if (problems.length > 0) throw new PropertyValidationError(problems);
  return clean;
}
