import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { EVENT_FORMATS, EVENT_KINDS, REASON_MAX_LENGTH, TEXT_MAX_LENGTH } from './core/event-transitions.util';

// Shapes here; lengths, dates, places and the rules between them are checked by parseEventInput (same messages as the pages).
/** Create (kind, title, times, places and the place its format needs are required) and edit (only what changes). */
export class EventDto {
  @ApiPropertyOptional({ enum: EVENT_KINDS }) @IsOptional() @IsIn(EVENT_KINDS) kind?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() title?: string;
  @ApiPropertyOptional({ maxLength: TEXT_MAX_LENGTH }) @IsOptional() @IsString() description?: string;
  @ApiPropertyOptional({ enum: EVENT_FORMATS }) @IsOptional() @IsIn(EVENT_FORMATS) format?: string;
  @ApiPropertyOptional({ maxLength: 500, description: 'Required on site (in_person, hybrid)' }) @IsOptional() @IsString() address?: string;
  @ApiPropertyOptional({ maxLength: 500, example: 'https://konferenz.example/forum', description: 'Required online (online, hybrid)' })
  @IsOptional()
  @IsString()
  onlineLink?: string;
  @ApiPropertyOptional({ example: '2027-03-04T10:00', description: 'ISO 8601; without an offset it is Europe/Berlin time' })
  @IsOptional()
  @IsString()
  startsAt?: string;
  @ApiPropertyOptional({ example: '2027-03-04T16:00' }) @IsOptional() @IsString() endsAt?: string;
  @ApiPropertyOptional({ example: '2027-02-25T23:59', description: 'Not after the start' })
  @IsOptional()
  @IsString()
  registrationDeadline?: string;
  @ApiPropertyOptional({ minimum: 1, maximum: 10000 }) @IsOptional() @IsInt() @Min(1) @Max(10000) placesTotal?: number;
  @ApiPropertyOptional({ minimum: 1, nullable: true, description: 'Places per town; null for no limit' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  placesPerTown?: number | null;
  @ApiPropertyOptional({ type: [String], description: 'Topic slugs of the event' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  topics?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Target: state codes (Länder); empty for all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  targetStates?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Target: size classes; empty for all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  targetSizeClasses?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Target: topics a town names (any one); empty for all' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @IsString({ each: true })
  targetTopics?: string[];
}

export class CancelEventDto {
  @ApiProperty({ maxLength: REASON_MAX_LENGTH, description: 'Why (at least 3 characters); sent to everyone registered' })
  @IsOptional()
  @IsString()
  reason?: string;
}

export class DocumentEventDto {
  @ApiProperty({ maxLength: TEXT_MAX_LENGTH, description: 'The results (at least 10 characters)' })
  @IsOptional()
  @IsString()
  resultSummary?: string;
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
  @ApiPropertyOptional({ maxLength: 200, description: 'Without contactId: the name' }) @IsOptional() @IsString() name?: string;
  @ApiPropertyOptional({ maxLength: 320, description: 'Without contactId: the email address' }) @IsOptional() @IsString() email?: string;
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
  @ApiPropertyOptional({ description: 'A topic slug' }) @IsOptional() @IsString() topic?: string;
  @ApiPropertyOptional({ description: 'true: only events that fit your town' }) @IsOptional() @IsIn(['true', 'false']) fit?: string;
}

export class ReturnProposalDto {
  @ApiProperty({ minLength: 10, maxLength: 1000, description: 'What the host town should change (sent to its accounts)' })
  @IsOptional()
  @IsString()
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
