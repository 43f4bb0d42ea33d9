import { copyField } from '../../../src/embedded/sql-dump';

describe('COPY text format of the dump', () => {
  it('escapes what would end a field or a row, and writes NULL as \\N', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField('')).toBe('');
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField('\\N')).toBe('\\\\N'); // the text "\N" is not NULL
    expect(copyField('Bürgermeisterin „Straße“')).toBe('Bürgermeisterin „Straße“');
  });
});
