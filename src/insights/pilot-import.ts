import { z } from 'zod';
import { detectFormat, readCsv, readJson, type PilotImportError } from './pilot-file-reader';

export type { PilotImportError } from './pilot-file-reader';

/** One pilot observation: a contact exposed to a variant, and whether an outcome happened. */
export interface PilotRow {
  readonly line: number;
  readonly contactId: string | null;
  readonly email: string | null;
  readonly variant: string;
  readonly outcome: string;
  /** 1 when the outcome happened, 0 when it is recorded as not having happened. */
  readonly value: 0 | 1;
}

export type PilotParseResult =
  | { readonly ok: true; readonly format: 'csv' | 'json'; readonly rows: readonly PilotRow[] }
  | {
      readonly ok: false;
      readonly format: 'csv' | 'json' | 'unknown';
      readonly errors: readonly PilotImportError[];
      readonly truncated: number;
    };

export interface PilotParseOptions {
  readonly maxRows?: number;
  /** Errors beyond this many are counted, not listed, so a wholly wrong file gives a readable answer. */
  readonly maxErrors?: number;
}

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'y']);
const FALSE_VALUES = new Set(['0', 'false', 'no', 'n']);

const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined ? null : String(value).trim() || null));

const rowSchema = z
  .object({
    contactId: optionalText.refine((value) => value === null || /^\d+$/.test(value), {
      message: 'contact id must be a HubSpot record id (digits only)',
    }),
    email: optionalText.refine((value) => value === null || z.email().safeParse(value).success, {
      message: 'email is not a valid address',
    }),
    variant: optionalText
      .refine((value) => value !== null, { message: 'variant (or message) is missing' })
      .refine((value) => value === null || value.length <= 100, { message: 'variant is longer than 100 characters' }),
    outcome: optionalText
      .refine((value) => value !== null, { message: 'outcome is missing' })
      .transform((value) => (value ?? '').toLowerCase())
      .refine((value) => value === '' || /^[a-z][a-z0-9_.-]{0,63}$/.test(value), {
        message: 'outcome must be a single word such as opened, clicked or converted',
      }),
    value: z
      .union([z.string(), z.number(), z.boolean()])
      .nullish()
      .transform((value, ctx): 0 | 1 => {
        if (value === null || value === undefined || value === '') return 1;
        const text = String(value).trim().toLowerCase();
        if (TRUE_VALUES.has(text)) return 1;
        if (FALSE_VALUES.has(text)) return 0;
        ctx.addIssue({ code: 'custom', message: `value must be 0 or 1, got "${String(value)}"` });
        return z.NEVER;
      }),
  })
  .refine((row) => row.contactId !== null || row.email !== null, { message: 'each row needs a contact id or an email' });

function describeIssues(error: z.ZodError): string {
  return [...new Set(error.issues.map((issue) => issue.message))].join('; ');
}

/**
 * Parses a pilot-results file (CSV with a header, or JSON) and validates every row. All or
 * nothing: any bad row yields the list of errors (each naming its line) and no rows at all.
 * A contact must stay in one variant throughout the file.
 */
export function parsePilotFile(fileName: string, content: string, options: PilotParseOptions = {}): PilotParseResult {
  const format = detectFormat(fileName, content);
  const errors: PilotImportError[] = [];
  const records = format === 'csv' ? readCsv(content, errors) : readJson(content, errors);
  const maxErrors = options.maxErrors ?? 50;
  const maxRows = options.maxRows ?? 2_000_000;
  if (errors.length === 0 && records.length === 0) errors.push({ line: 1, message: 'the file has no rows' });
  if (records.length > maxRows) errors.push({ line: 1, message: `the file has ${records.length} rows, more than the limit of ${maxRows}` });
  const rows: PilotRow[] = [];
  const variantOf = new Map<string, { variant: string; line: number }>();
  if (errors.length === 0) {
    for (const record of records) {
      if (record.fields.__notObject) {
        errors.push({ line: record.line, message: 'each row must be an object' });
        continue;
      }
      const result = rowSchema.safeParse(record.fields);
      if (!result.success) {
        errors.push({ line: record.line, message: describeIssues(result.error) });
        continue;
      }
      const row = result.data;
      const key = row.contactId !== null ? `id:${row.contactId}` : `email:${row.email!.toLowerCase()}`;
      const variant = row.variant!;
      const earlier = variantOf.get(key);
      if (earlier && earlier.variant.toLowerCase() !== variant.toLowerCase()) {
        errors.push({
          line: record.line,
          message: `contact ${row.contactId ?? row.email} is in variant "${variant}" here but in "${earlier.variant}" on line ${earlier.line}`,
        });
        continue;
      }
      if (!earlier) variantOf.set(key, { variant, line: record.line });
      rows.push({
        line: record.line,
        contactId: row.contactId,
        email: row.email === null ? null : row.email.toLowerCase(),
        variant: earlier ? earlier.variant : variant,
        outcome: row.outcome,
        value: row.value,
      });
    }
  }
  if (errors.length > 0) {
    return { ok: false, format, errors: errors.slice(0, maxErrors), truncated: Math.max(0, errors.length - maxErrors) };
  }
  return { ok: true, format, rows };
}
