import { MailRenderer } from '../../../src/mail/mail-renderer';

describe('mail templates', () => {
  const r = new MailRenderer(undefined, 'https://tandem.example');

  it('renders the German confirmation mail in HTML and text, without any text the registrant typed', () => {
    const m = r.render('confirm-email', {
      displayName: 'Bitte zahlen Sie',
      townName: 'Olbernhau',
      stateName: 'Sachsen',
      confirmUrl: 'http://x/bestaetigen?token=abc',
      validHours: 48,
    });
    expect(m.subject).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse für Kleinstadt-Tandem');
    const href = /href="([^"]+)"/.exec(m.html)![1].replace(/&#x3D;/g, '=');
    expect(href).toBe('http://x/bestaetigen?token=abc');
    expect(m.html).toContain('lang="de"');
    expect(m.text).toContain('Guten Tag,');
    expect(m.text).toContain('48 Stunden');
    expect(m.text + m.html).not.toContain('Bitte zahlen Sie');
  });

  it('escapes user input in HTML', () => {
    const m = r.render('town-rejected', { displayName: '<b>Anna</b>', townName: 'Olbernhau', reason: 'Nicht nachweisbar' });
    expect(m.html).toContain('&lt;b&gt;Anna&lt;/b&gt;');
    expect(m.text).toContain('Guten Tag <b>Anna</b>');
  });

  it('links Impressum and privacy notice in the footer of every mail (HTML and text)', () => {
    for (const name of ['confirm-email', 'account-exists', 'invitation-account-exists', 'town-verified', 'town-rejected']) {
      const m = r.render(name, { townName: 'Olbernhau' });
      expect(m.html).toContain('href="https://tandem.example/impressum"');
      expect(m.html).toContain('href="https://tandem.example/datenschutz"');
      expect(m.text).toContain('Impressum: https://tandem.example/impressum');
      expect(m.text).toContain('Datenschutz: https://tandem.example/datenschutz');
    }
  });

  it('refuses template names that could leave the folder', () => {
    expect(() => r.render('../secrets', {})).toThrow(/Invalid mail template/);
  });
});
