import { parsePilotFile } from '../../../src/insights/pilot-import';

describe('parsePilotFile', () => {
  it('reads a CSV with contact ids, emails, message and outcome columns', () => {
    const csv = 'contact_id,email,message,outcome,value\n101,,A,opened,1\n,Ann@Example.com,B,clicked,\n102,,A,converted,0\n';
    const result = parsePilotFile('pilot.csv', csv);
    expect(result).toEqual({
      ok: true,
      format: 'csv',
      rows: [
        { line: 2, contactId: '101', email: null, variant: 'A', outcome: 'opened', value: 1 },
        { line: 3, contactId: null, email: 'ann@example.com', variant: 'B', outcome: 'clicked', value: 1 },
        { line: 4, contactId: '102', email: null, variant: 'A', outcome: 'converted', value: 0 },
      ],
    });
  });

  it('names the line and the problem of every bad row, and returns no rows at all', () => {
    const csv = [
      'contact_id,variant,outcome,value',
      '101,A,opened,1',
      ',A,opened,1',
      '103,,clicked,1',
      '104,B,clicked,maybe',
      'abc,B,clicked,1',
      '105,B,two words,1',
    ].join('\n');
    const result = parsePilotFile('pilot.csv', csv);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { line: 3, message: 'each row needs a contact id or an email' },
      { line: 4, message: 'variant (or message) is missing' },
      { line: 5, message: 'value must be 0 or 1, got "maybe"' },
      { line: 6, message: 'contact id must be a HubSpot record id (digits only)' },
      { line: 7, message: 'outcome must be a single word such as opened, clicked or converted' },
    ]);
    expect('rows' in result).toBe(false);
  });

  it('counts lines through quoted fields that span lines', () => {
    const csv = 'email,variant,outcome\n"a@example.com",A,opened\n"b@example.com","multi\nline",clicked\nnot-an-email,A,opened\n';
    const result = parsePilotFile('p.csv', csv);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ line: 5, message: 'email is not a valid address' }]);
  });

  it('rejects a header without the required columns on line 1', () => {
    const result = parsePilotFile('p.csv', 'who,what\n1,2\n');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0].line).toBe(1);
      expect(result.errors[0].message).toMatch(/contact_id or email.*variant.*outcome/);
    }
  });

  it('reports malformed CSV with the line where parsing failed', () => {
    const result = parsePilotFile('p.csv', 'contact_id,variant,outcome\n1,A,opened\n2,"B,clicked\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toEqual({ line: 3, message: expect.stringMatching(/not valid CSV/) });
  });

  it('rejects a contact that appears in two variants, naming both lines', () => {
    const result = parsePilotFile('p.csv', 'contact_id,variant,outcome\n7,A,opened\n8,B,opened\n7,B,clicked\n');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors).toEqual([{ line: 4, message: 'contact 7 is in variant "B" here but in "A" on line 2' }]);
  });

  it('reads JSON arrays and { rows } objects, with line numbers for bad items', () => {
    const json =
      '[\n  {"contactId": 1, "variant": "A", "outcome": "Opened"},\n  {"email": "x@example.com", "message": "B", "outcome": "clicked", "value": true}\n]';
    const ok = parsePilotFile('pilot.json', json);
    expect(ok.ok && ok.rows.map((r) => [r.line, r.contactId, r.email, r.variant, r.outcome, r.value])).toEqual([
      [2, '1', null, 'A', 'opened', 1],
      [3, null, 'x@example.com', 'B', 'clicked', 1],
    ]);
    const bad = parsePilotFile(
      'upload',
      '{"rows": [\n {"contactId": "1", "variant": "A", "outcome": "opened"},\n\n {"contactId": "2", "variant": "A"},\n 42\n]}',
    );
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.errors).toEqual([
        { line: 4, message: 'outcome is missing' },
        { line: 5, message: 'each row must be an object' },
      ]);
    }
  });

  it('reports JSON syntax errors with their line', () => {
    const result = parsePilotFile('p.json', '[\n {"contactId": "1", "variant": "A", "outcome": "opened"},\n {"contactId": \n]');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors[0].line).toBe(4);
      expect(result.errors[0].message).toMatch(/not valid JSON/);
    }
  });

  it('rejects an empty file and lists only the first errors of a wholly wrong file', () => {
    expect(parsePilotFile('p.csv', '')).toMatchObject({ ok: false, errors: [{ line: 1, message: 'the file has no rows' }] });
    const many = ['contact_id,variant,outcome', ...Array.from({ length: 80 }, () => 'x,A,opened')].join('\n');
    const result = parsePilotFile('p.csv', many, { maxErrors: 10 });
    expect(result).toMatchObject({ ok: false, truncated: 70 });
    if (!result.ok) expect(result.errors).toHaveLength(10);
  });
});
