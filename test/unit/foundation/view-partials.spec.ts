import hbs from 'hbs';
import { join } from 'node:path';
import { TEMPLATES_DIR } from '../../../src/common/paths';
import { registerViewHelpers } from '../../../src/view-helpers';

// Issue 29: partials are compiled once at start; registered as text, Handlebars compiled them again on every page.
describe('page partials', () => {
  beforeAll(() => registerViewHelpers(join(TEMPLATES_DIR, 'pages')));

  it('are registered compiled, under the names the pages use (dashes as underscores)', () => {
    const partials = hbs.handlebars.partials as Record<string, unknown>;
    for (const name of ['csrf', 'pager', 'errors', 'tandem_list', 'workshop_invitation_editor']) {
      expect(typeof partials[name]).toBe('function');
    }
  });

  it('render on every page without being compiled again', () => {
    const page = hbs.handlebars.compile('<form>{{> csrf}}</form>');
    const compile = jest.spyOn(hbs.handlebars, 'compile');
    try {
      expect(page({ csrfToken: 'abc' })).toBe('<form><input type="hidden" name="_csrf" value="abc">\n</form>');
      expect(page({ csrfToken: 'def' })).toContain('value="def"');
      expect(compile).not.toHaveBeenCalled();
    } finally {
      compile.mockRestore();
    }
  });
});
