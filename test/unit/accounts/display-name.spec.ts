import { sanitiseDisplayName } from '../../../src/accounts/display-name.util';

describe('sanitiseDisplayName', () => {
  it.each([
    ['Jörg Klaus', 'Jörg Klaus'],
    ['  Dr. Anna   Müller-Lüdenscheidt ', 'Dr. Anna Müller-Lüdenscheidt'],
    ["Renée O'Neill", "Renée O'Neill"],
    ['Zoë\u200b Weiß', 'Zoë Weiß'],
    ['Łukasz Żółć', 'Łukasz Żółć'],
    ['Anna\nBeispiel', 'Anna Beispiel'],
  ])('keeps a real name: %j', (raw, clean) => {
    expect(sanitiseDisplayName(raw)).toBe(clean);
  });

  it.each([
    ['A'],
    ['A'.repeat(81)],
    ['Bitte zahlen Sie hier: https://evil.example/pay'],
    ['www.evil.example'],
    ['Konto gesperrt! Rufen Sie 0800 123 an'],
    ['Max <b>Mustermann</b>'],
    ['Rückruf an mail@evil.example'],
    ['  '],
  ])('refuses %j', (raw) => {
    expect(sanitiseDisplayName(raw)).toBeNull();
  });
});
