import { groupTownWorkshops, type TownWorkshopItem } from '../../../src/workshops/town-workshop-list.util';

// Issue 25: a workshop the town had declined was still listed as upcoming for that town.
describe("a town's workshop sections", () => {
  const now = new Date('2027-05-01T10:00:00Z');
  const ahead = new Date('2027-06-01T10:00:00Z');
  const before = new Date('2027-04-01T10:00:00Z');
  const item = (id: string, over: Partial<TownWorkshopItem>) => ({
    id,
    state: 'invited' as const,
    startsAt: ahead,
    invitationState: 'invited' as const,
    allowedAnswers: ['accept', 'decline'],
    ...over,
  });
  const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

  it('puts a declined workshop ahead under "abgesagt", never under upcoming, and leaves it out of the past ones', () => {
    const g = groupTownWorkshops(
      [
        item('open', {}),
        item('accepted', { invitationState: 'accepted', state: 'confirmed', allowedAnswers: ['decline'] }),
        item('declined', { invitationState: 'declined', allowedAnswers: ['accept'] }),
        item('declined-closed', { invitationState: 'declined', state: 'confirmed', allowedAnswers: [] }),
        item('declined-past', { invitationState: 'declined', state: 'documented', startsAt: before, allowedAnswers: [] }),
        item('held', { invitationState: 'accepted', state: 'held', startsAt: before, allowedAnswers: [] }),
        item('cancelled', { invitationState: 'accepted', state: 'cancelled', allowedAnswers: [] }),
      ],
      now,
    );
    expect(ids(g.toAnswer)).toEqual(['open']);
    expect(ids(g.upcoming)).toEqual(['accepted']);
    expect(ids(g.declined)).toEqual(['declined', 'declined-closed']);
    expect(ids(g.past)).toEqual(['held', 'cancelled']);
  });
});
