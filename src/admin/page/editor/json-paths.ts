import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError, type Segment } from 'jsonc-parser';

/** A span of the editor's text: where a value (with its key, for a property) sits. */
export interface TextSpan {
  from: number;
  to: number;
}

export type ParsedJson = { ok: true; value: unknown; tree: Node } | { ok: false; errors: { message: string; span: TextSpan }[] };

const STRICT = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

const MESSAGES: Record<string, string> = {
  InvalidSymbol: 'Unexpected character',
  InvalidNumberFormat: 'Not a valid number',
  PropertyNameExpected: 'Expected a property name in double quotes',
  ValueExpected: 'Expected a value',
  ColonExpected: 'Expected ":" after the property name',
  CommaExpected: 'Expected ","',
  CloseBraceExpected: 'Expected "}"',
  CloseBracketExpected: 'Expected "]"',
  EndOfFileExpected: 'Unexpected text after the end',
  InvalidCommentToken: 'Comments are not allowed in JSON',
  UnexpectedEndOfComment: 'Comments are not allowed in JSON',
  UnexpectedEndOfString: 'Unterminated string',
  UnexpectedEndOfNumber: 'Unterminated number',
  InvalidUnicode: 'Invalid unicode escape',
  InvalidEscapeCharacter: 'Invalid string escape',
  InvalidCharacter: 'Invalid character in a string',
};

/** Parses the editor's text as strict JSON, keeping the syntax tree to locate values by path. */
export function parseJson(text: string): ParsedJson {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, STRICT);
  if (errors.length > 0 || !tree) {
    const found = errors.length > 0 ? errors : [{ error: 4, offset: 0, length: 0 } as ParseError];
    return {
      ok: false,
      errors: found.map((e) => {
        const code = printParseErrorCode(e.error);
        return { message: MESSAGES[code] ?? code, span: { from: e.offset, to: Math.min(text.length, e.offset + Math.max(1, e.length)) } };
      }),
    };
  }
  // The tree says the text is well formed; JSON.parse gives the exact value the server will see.
  return { ok: true, value: JSON.parse(text) as unknown, tree };
}

/**
 * Splits an engine error path (`personas[2].rules[0].when`, `profile["content-x"]`) into segments.
 * An empty path is the document itself.
 */
export function pathSegments(path: string): Segment[] {
  const segments: Segment[] = [];
  const re = /\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\.?([A-Za-z_$][A-Za-z0-9_$]*)/gy;
  let match: RegExpExecArray | null;
  while (re.lastIndex < path.length && (match = re.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) segments.push(JSON.parse(match[2]) as string);
    else segments.push(match[3]);
  }
  return segments;
}

/**
 * Where an engine path points in the text: the property (key and value) when it exists, else the
 * nearest existing ancestor, so a "missing field" error lands on the object that lacks it.
 */
export function locatePath(tree: Node, path: string): TextSpan {
  const segments = pathSegments(path);
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, segments.slice(0, n));
    if (!node) continue;
    const outer = node.parent?.type === 'property' ? node.parent : node;
    return { from: outer.offset, to: outer.offset + outer.length };
  }
  return { from: tree.offset, to: tree.offset + tree.length };
}

/** The 1-based line of an offset, for the problems list. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}
