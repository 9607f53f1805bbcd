import { describe, expect, it } from 'vitest';
import { parseFieldPath, placeIssues, yamlSyntaxIssues } from '../../src/console/parts/yaml-fields.js';

const YAML = [
  'base_url: https://api.example.com', // 1
  'endpoints:', // 2
  '  - path: /users', // 3
  '    pagination:', // 4
  '      type: cursor', // 5
  '      cursor_param: c', // 6
  '  - path: /orders', // 7
  '    colour: red', // 8
  'destination: { type: duckdb, path: x.duckdb }', // 9
  '',
].join('\n');

describe('placing API validation errors on YAML lines', () => {
  const cases: { name: string; field: string; message: string; line: number | undefined }[] = [
    { name: 'a field that is there', field: 'config.endpoints[0].pagination.type', message: 'bad', line: 5 },
    {
      name: 'a missing field on its parent key',
      field: 'config.endpoints[0].pagination.cursor_path',
      message: 'Required',
      line: 4,
    },
    {
      name: 'an unknown key quoted in the message',
      field: 'config.endpoints[1]',
      message: 'Unrecognized key: "colour"',
      line: 8,
    },
    { name: 'a list item', field: 'config.endpoints[1]', message: 'something else', line: 7 },
    { name: 'a flow mapping key', field: 'config.destination.path', message: 'bad path', line: 9 },
    { name: 'the whole config', field: 'config', message: 'expected a mapping', line: 1 },
    { name: 'a field outside the config', field: 'name', message: 'Name is required', line: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(placeIssues(YAML, [{ field: c.field, message: c.message }])).toEqual([
        { line: c.line, field: c.field, message: c.message },
      ]);
    });
  }

  it('parses floe field paths', () => {
    expect(parseFieldPath('endpoints[0].pagination.cursor_path')).toEqual([
      'endpoints',
      0,
      'pagination',
      'cursor_path',
    ]);
    expect(parseFieldPath('a[1][2].b')).toEqual(['a', 1, 2, 'b']);
  });

  it('reports YAML syntax errors on their line before anything is sent', () => {
    const issues = yamlSyntaxIssues('base_url: x\nendpoints:\n  - path: /a\n   bad: [1, 2\n');
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.line).toBeGreaterThanOrEqual(3);
    expect(yamlSyntaxIssues(YAML)).toEqual([]);
  });
});
