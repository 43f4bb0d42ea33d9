import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { REASON_MAX_LENGTH, TANDEM_STATES } from './core/tandem-transitions.util';
import { RESULT_MAX_LENGTH } from './tandem-result.util';
import { PageQueryDto } from '../common/page-query.dto';
import { TextField, RequiredTextField, StringListField } from '../common/dto-fields.decorator';

// Lengths are checked by the service (same message for API and pages), so a long text answers 400 saying how long.
export class RequestTandemDto {
  @ApiProperty({ format: 'uuid', description: 'The suggested town to ask' }) @IsUUID() partnerTownId: string;
  @ApiPropertyOptional({ example: 'leerstand', description: "Topic slug from either town's profile" })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'topic must be a topic slug' })
  topic?: string;
  @TextField({ maxLength: REASON_MAX_LENGTH }) message?: string;
}

export class PartnerDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() partnerTownId: string;
}

export class AnswerDto {
  @TextField({ maxLength: REASON_MAX_LENGTH, description: 'A short message to the other town' }) message?: string;
}

export class ReasonDto {
  @RequiredTextField({ maxLength: REASON_MAX_LENGTH, description: 'Why (at least 3 characters)' }) reason?: string;
}

/** A town's result; the second town's result concludes the tandem (the office concludes only after the deadline). */
export class ConcludeDto {
  @RequiredTextField({ maxLength: RESULT_MAX_LENGTH, description: 'What was taken over or tried' }) tried?: string;
  @RequiredTextField({ maxLength: RESULT_MAX_LENGTH, description: 'What the towns worked on (and learnt)' }) learnt?: string;
  @ApiProperty({ enum: ['yes', 'partly', 'no', 'planned'], description: 'How far it was taken over' }) @IsOptional() adoption?: unknown;
  @ApiProperty({ minimum: 1, maximum: 5, description: 'Rating of the tandem, 1 (poor) to 5 (excellent)' }) @IsOptional() rating?: unknown;
  @ApiPropertyOptional({ description: 'The office may publish the result as a practice example' }) @IsOptional() mayPublish?: unknown;
  @StringListField('Topic slugs the tandem worked on', 10)
  topics?: string[];
}

export class ProposeDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() townA: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID() townB: string;
}

export class ListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: [...TANDEM_STATES, 'ruhend'],
    description: 'Office only: filter by state, or "ruhend" (resting: silent after two reminders)',
  })
  @IsOptional()
  @IsIn([...TANDEM_STATES, 'ruhend'])
  state?: string;
}
