import { MailRenderer } from '../../../src/mail/mail-renderer';

describe('mail templates', () => {
  const r = new MailRenderer();

  it('renders the German confirmation mail in HTML and text, escaping user input in HTML', () => {
    const m = r.render('confirm-email', {
      displayName: '<b>Anna</b>', townName: 'Olbernhau', stateName: 'Sachsen', confirmUrl: 'http://x/bestaetigen?token=abc', validHours: 48,
    });
    expect(m.subject).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse für Kleinstadt-Tandem');
    expect(m.html).toContain('&lt;b&gt;Anna&lt;/b&gt;');
    const href = /href="([^"]+)"/.exec(m.html)![1].replace(/&#x3D;/g, '=');
    expect(href).toBe('http://x/bestaetigen?token=abc');
    expect(m.html).toContain('lang="de"');
    expect(m.text).toContain('Guten Tag <b>Anna</b>');
    expect(m.text).toContain('48 Stunden');
  });

  it('refuses template names that could leave the folder', () => {
    expect(() => r.render('../secrets', {})).toThrow(/Invalid mail template/);
  });
});
