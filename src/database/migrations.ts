import { Foundation1732400000000 } from '../../migrations/1732400000000-Foundation';
import { Matching1732500000000 } from '../../migrations/1732500000000-Matching';
import { Tandems1733100000000 } from '../../migrations/1733100000000-Tandems';
import { RateLimitCounter1733200000000 } from '../../migrations/1733200000000-RateLimitCounter';
import { AccountLifecycle1733300000000 } from '../../migrations/1733300000000-AccountLifecycle';
import { ReadPathIndexes1733500000000 } from '../../migrations/1733500000000-ReadPathIndexes';
import { Digests1733600000000 } from '../../migrations/1733600000000-Digests';
import { MatchingPairTopic1733700000000 } from '../../migrations/1733700000000-MatchingPairTopic';
import { OfficeNotes1733800000000 } from '../../migrations/1733800000000-OfficeNotes';
import { Workshops1733900000000 } from '../../migrations/1733900000000-Workshops';
import { HttpReadIndexes1734300000000 } from '../../migrations/1734300000000-HttpReadIndexes';
import { OutboxAttachments1734400000000 } from '../../migrations/1734400000000-OutboxAttachments';
import { TandemContacts1734500000000 } from '../../migrations/1734500000000-TandemContacts';
import { TandemFitCheck1734600000000 } from '../../migrations/1734600000000-TandemFitCheck';
import { TandemResults1734700000000 } from '../../migrations/1734700000000-TandemResults';
import { DismissalUndo1734750000000 } from '../../migrations/1734750000000-DismissalUndo';
import { TandemActivity1734800000000 } from '../../migrations/1734800000000-TandemActivity';
import { TownAddressBook1734900000000 } from '../../migrations/1734900000000-TownAddressBook';
import { OfficePairing1735000000000 } from '../../migrations/1735000000000-OfficePairing';
import { AccessibilityFeedback1735100000000 } from '../../migrations/1735100000000-AccessibilityFeedback';
import { Practices1735200000000 } from '../../migrations/1735200000000-Practices';
import { PracticeFollowUps1735300000000 } from '../../migrations/1735300000000-PracticeFollowUps';
import { ProfileTopicSince1735350000000 } from '../../migrations/1735350000000-ProfileTopicSince';
import { Events1735400000000 } from '../../migrations/1735400000000-Events';
import { TownHostedEvents1735500000000 } from '../../migrations/1735500000000-TownHostedEvents';
import { MailDedupePrefixIndex1735600000000 } from '../../migrations/1735600000000-MailDedupePrefixIndex';

import { DataVersion1735700000000 } from '../../migrations/1735700000000-DataVersion';
// Explicit list (no glob) so the same migrations load under tsc output and inside jest.
export const MIGRATIONS = [
  Foundation1732400000000,
  Matching1732500000000,
  Tandems1733100000000,
  RateLimitCounter1733200000000,
  AccountLifecycle1733300000000,
  ReadPathIndexes1733500000000,
  Digests1733600000000,
  MatchingPairTopic1733700000000,
  OfficeNotes1733800000000,
  Workshops1733900000000,
  HttpReadIndexes1734300000000,
  OutboxAttachments1734400000000,
  TandemContacts1734500000000,
  TandemFitCheck1734600000000,
  TandemResults1734700000000,
  DismissalUndo1734750000000,
  TandemActivity1734800000000,
  TownAddressBook1734900000000,
  OfficePairing1735000000000,
  AccessibilityFeedback1735100000000,
  Practices1735200000000,
  PracticeFollowUps1735300000000,
  ProfileTopicSince1735350000000,
  Events1735400000000,
  TownHostedEvents1735500000000,
  MailDedupePrefixIndex1735600000000,
  DataVersion1735700000000,
];
