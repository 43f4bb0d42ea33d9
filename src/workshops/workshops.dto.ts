import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';
import { REASON_MAX_LENGTH, RESULT_MAX_LENGTH, WORKSHOP_FORMATS } from './workshop-transitions.util';
import { TextField, RequiredTextField, StringListField } from '../common/dto-fields.decorator';

// Lengths, dates and places are checked by the service (same messages for API and pages).
export class CreateWorkshopDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'A workshops run of the engine; with groupNo: start from that proposed group' })
  @IsOptional()
  @IsUUID()
  runId?: string;
  @ApiPropertyOptional({ description: 'Group number within the run (1-based)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10000)
  groupNo?: number;
  @ApiPropertyOptional({ example: 'leerstand', description: 'Theme (topic slug) for an empty draft' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'theme must be a topic slug' })
  theme?: string;
  @TextField({ maxLength: 200 }) title?: string;
}

export class UpdateWorkshopDto {
  @TextField({ maxLength: 200 }) title?: string;
  @TextField({ example: '2027-03-04T10:00', description: 'ISO 8601; without an offset it is Europe/Berlin time' }) startsAt?: string;
  @ApiPropertyOptional({ minimum: 15, maximum: 1440 }) @IsOptional() @IsInt() durationMinutes?: number;
  @ApiPropertyOptional({ enum: WORKSHOP_FORMATS }) @IsOptional() @IsIn(WORKSHOP_FORMATS) format?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @IsOptional() @IsUUID() hostTownId?: string;
  @TextField({ maxLength: 500 }) address?: string;
  @TextField({ maxLength: 500, example: 'https://konferenz.example/werkstatt' }) onlineLink?: string;
}

export class AnswerWorkshopDto {
  @ApiProperty({ enum: ['accept', 'decline'] }) @IsIn(['accept', 'decline']) answer: 'accept' | 'decline';
  @TextField({ maxLength: REASON_MAX_LENGTH, description: 'Optional reason (shown to the office)' }) reason?: string;
}

export class InviteTownDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() townId: string;
}

export class WithdrawInvitationDto {
  @TextField({ maxLength: REASON_MAX_LENGTH, description: 'Optional reason; sent to the town with the calendar cancellation' })
  reason?: string;
}

export class CancelWorkshopDto {
  @RequiredTextField({ maxLength: REASON_MAX_LENGTH, description: 'Why (at least 3 characters); sent to the towns' }) reason?: string;
}

export class DocumentWorkshopDto {
  @RequiredTextField({ maxLength: RESULT_MAX_LENGTH, description: 'What was presented' }) presented?: string;
  @RequiredTextField({ maxLength: RESULT_MAX_LENGTH, description: 'What the towns will try' }) willTry?: string;
  @StringListField('Topic slugs the workshop touched', 10)
  topics?: string[];
}
