import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { REASON_MAX_LENGTH, RESULT_MAX_LENGTH, WORKSHOP_FORMATS } from './workshop-transitions.util';

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
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() title?: string;
}

export class UpdateWorkshopDto {
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() title?: string;
  @ApiPropertyOptional({ example: '2027-03-04T10:00', description: 'ISO 8601; without an offset it is Europe/Berlin time' })
  @IsOptional()
  @IsString()
  startsAt?: string;
  @ApiPropertyOptional({ minimum: 15, maximum: 1440 }) @IsOptional() @IsInt() durationMinutes?: number;
  @ApiPropertyOptional({ enum: WORKSHOP_FORMATS }) @IsOptional() @IsIn(WORKSHOP_FORMATS) format?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @IsOptional() @IsUUID() hostTownId?: string;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() address?: string;
  @ApiPropertyOptional({ maxLength: 500, example: 'https://konferenz.example/werkstatt' }) @IsOptional() @IsString() onlineLink?: string;
}

export class AnswerWorkshopDto {
  @ApiProperty({ enum: ['accept', 'decline'] }) @IsIn(['accept', 'decline']) answer: 'accept' | 'decline';
  @ApiPropertyOptional({ maxLength: REASON_MAX_LENGTH, description: 'Optional reason (shown to the office)' })
  @IsOptional()
  @IsString()
  reason?: string;
}

export class InviteTownDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() townId: string;
}

export class WithdrawInvitationDto {
  @ApiPropertyOptional({ maxLength: REASON_MAX_LENGTH, description: 'Optional reason; sent to the town with the calendar cancellation' })
  @IsOptional()
  @IsString()
  reason?: string;
}

export class CancelWorkshopDto {
  @ApiProperty({ maxLength: REASON_MAX_LENGTH, description: 'Why (at least 3 characters); sent to the towns' })
  @IsOptional()
  @IsString()
  reason?: string;
}

export class DocumentWorkshopDto {
  @ApiProperty({ maxLength: RESULT_MAX_LENGTH, description: 'What was presented' }) @IsOptional() @IsString() presented?: string;
  @ApiProperty({ maxLength: RESULT_MAX_LENGTH, description: 'What the towns will try' }) @IsOptional() @IsString() willTry?: string;
  @ApiPropertyOptional({ type: [String], description: 'Topic slugs the workshop touched' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  topics?: string[];
}
