import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { EVENT_FORMATS, EVENT_KINDS, REASON_MAX_LENGTH, TEXT_MAX_LENGTH } from './core/event-transitions.util';
import { TextField, RequiredTextField, StringListField } from '../common/dto-fields.decorator';

// Shapes here; lengths, dates, places and the rules between them are checked by parseEventInput (same messages as the pages).
/** Create (kind, title, times, places and the place its format needs are required) and edit (only what changes). */
export class EventDto {
  @ApiPropertyOptional({ enum: EVENT_KINDS }) @IsOptional() @IsIn(EVENT_KINDS) kind?: string;
  @TextField({ maxLength: 200 }) title?: string;
  @TextField({ maxLength: TEXT_MAX_LENGTH }) description?: string;
  @ApiPropertyOptional({ enum: EVENT_FORMATS }) @IsOptional() @IsIn(EVENT_FORMATS) format?: string;
  @TextField({ maxLength: 500, description: 'Required on site (in_person, hybrid)' }) address?: string;
  @TextField({ maxLength: 500, example: 'https://konferenz.example/forum', description: 'Required online (online, hybrid)' })
  onlineLink?: string;
  @TextField({ example: '2027-03-04T10:00', description: 'ISO 8601; without an offset it is Europe/Berlin time' }) startsAt?: string;
  @TextField({ example: '2027-03-04T16:00' }) endsAt?: string;
  @TextField({ example: '2027-02-25T23:59', description: 'Not after the start' }) registrationDeadline?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 10000 }) @IsOptional() @IsInt() @Min(1) @Max(10000) placesTotal?: number;
  @ApiPropertyOptional({ minimum: 1, nullable: true, description: 'Places per town; null for no limit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  placesPerTown?: number | null;
  @StringListField('Topic slugs of the event', 30)
  topics?: string[];
  @StringListField('Target: state codes (Länder); empty for all', 30)
  targetStates?: string[];
  @StringListField('Target: size classes; empty for all', 30)
  targetSizeClasses?: string[];
  @StringListField('Target: topics a town names (any one); empty for all', 30)
  targetTopics?: string[];
}

export class CancelEventDto {
  @RequiredTextField({ maxLength: REASON_MAX_LENGTH, description: 'Why (at least 3 characters); sent to everyone registered' })
  reason?: string;
}

export class DocumentEventDto {
  @RequiredTextField({ maxLength: TEXT_MAX_LENGTH, description: 'The results (at least 10 characters)' }) resultSummary?: string;
}

export class SendInvitationsDto {
  @ApiPropertyOptional({ type: [String], description: 'Towns of the audience to invite; all of it when left out' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20000)
  @IsUUID('all', { each: true })
  townIds?: string[];
}

export class RegisterDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Office only: the town to register for (a town contact registers for its own)' })
  @IsOptional()
  @IsUUID()
  townId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: "A contact of the town (account or address-book entry), from the event's contacts" })
  @IsOptional()
  @IsUUID()
  contactId?: string;
  @TextField({ maxLength: 200, description: 'Without contactId: the name' }) name?: string;
  @TextField({ maxLength: 320, description: 'Without contactId: the email address' }) email?: string;
}

export class AttendanceDto {
  @ApiProperty({ type: [String], description: 'Registrations (ids) that attended; every other confirmed one did not' })
  @IsArray()
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true })
  attended: string[];
}

export class EventListQueryDto {
  @ApiPropertyOptional({ enum: EVENT_KINDS }) @IsOptional() @IsIn(EVENT_KINDS) kind?: string;
  @ApiPropertyOptional({ enum: EVENT_FORMATS }) @IsOptional() @IsIn(EVENT_FORMATS) format?: string;
  @TextField({ description: 'A topic slug' }) topic?: string;
  @ApiPropertyOptional({ description: 'true: only events that fit your town' }) @IsOptional() @IsIn(['true', 'false']) fit?: string;
}

export class ReturnProposalDto {
  @RequiredTextField({ minLength: 10, maxLength: 1000, description: 'What the host town should change (sent to its accounts)' })
  comment?: string;
}

export class PracticeDraftDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: "The town whose example it becomes: ignored for a hosted event (the host's); else one of the towns with a place",
  })
  @IsOptional()
  @IsUUID()
  townId?: string;
}
