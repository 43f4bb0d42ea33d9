import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { TEMPLATES_DIR } from '../common/paths';

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

// Each mail template is three files: <name>.subject.hbs, <name>.html.hbs, <name>.txt.hbs (German).
export class MailRenderer {
  private readonly hbs = Handlebars.create();
  private readonly cache = new Map<
    string,
    { subject: HandlebarsTemplateDelegate; html: HandlebarsTemplateDelegate; text: HandlebarsTemplateDelegate }
  >();
  private readonly layout: HandlebarsTemplateDelegate;

  /** appUrl: every mail's footer links to the operator's Impressum and privacy notice there. */
  constructor(
    private readonly dir = join(TEMPLATES_DIR, 'mail'),
    private readonly appUrl = 'http://localhost:3000',
  ) {
    this.layout = this.hbs.compile(readFileSync(join(dir, 'layouts', 'base.html.hbs'), 'utf8'));
  }

  render(template: string, context: Record<string, unknown>): RenderedMail {
    if (!/^[a-z0-9-]+$/.test(template)) throw new Error(`Invalid mail template name: ${template}`);
    let t = this.cache.get(template);
    if (!t) {
      const load = (suffix: string) => this.hbs.compile(readFileSync(join(this.dir, `${template}.${suffix}`), 'utf8'));
      t = {
        subject: load('subject.hbs'),
        html: load('html.hbs'),
        text: this.hbs.compile(readFileSync(join(this.dir, `${template}.txt.hbs`), 'utf8'), { noEscape: true }),
      };
      this.cache.set(template, t);
    }
    const subject = t.subject(context).trim();
    const links = { impressumUrl: `${this.appUrl}/impressum`, privacyUrl: `${this.appUrl}/datenschutz` };
    const text = `${t.text(context).trimEnd()}\n\n--\nImpressum: ${links.impressumUrl}\nDatenschutz: ${links.privacyUrl}\n`;
    return { subject, html: this.layout({ subject, body: t.html(context), ...links }), text };
  }
}
