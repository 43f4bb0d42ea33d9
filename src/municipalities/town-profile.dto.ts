import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { RowListField } from '../common/dto-fields.decorator';

export const VISIBILITIES = ['public', 'network', 'office'] as const;
const SLUG = /^[a-z0-9-]{1,60}$/;

export class ChallengeDto {
  @ApiProperty({ example: 'leerstand' }) @Matches(SLUG, { message: 'topic must be a topic slug' }) topic: string;
  @ApiProperty({ maxLength: 500 }) @IsString() @MinLength(3) @MaxLength(500) text: string;
  @ApiProperty({ minimum: 1, maximum: 3, description: '1 = low, 3 = urgent' }) @IsInt() @Min(1) @Max(3) urgency: number;
}

export class ExperienceDto {
  @ApiProperty({ example: 'leerstand' }) @Matches(SLUG, { message: 'topic must be a topic slug' }) topic: string;
  @ApiProperty({ maxLength: 1000, description: 'What was tried' }) @IsString() @MinLength(3) @MaxLength(1000) tried: string;
  @ApiPropertyOptional({ maxLength: 1000, description: 'What came of it' }) @IsOptional() @IsString() @MaxLength(1000) outcome?: string;
}

export class VisibilityDto {
  @ApiPropertyOptional({ enum: VISIBILITIES }) @IsOptional() @IsIn(VISIBILITIES) description?: (typeof VISIBILITIES)[number];
  @ApiPropertyOptional({ enum: VISIBILITIES }) @IsOptional() @IsIn(VISIBILITIES) topics?: (typeof VISIBILITIES)[number];
  @ApiPropertyOptional({ enum: VISIBILITIES }) @IsOptional() @IsIn(VISIBILITIES) challenges?: (typeof VISIBILITIES)[number];
  @ApiPropertyOptional({ enum: VISIBILITIES }) @IsOptional() @IsIn(VISIBILITIES) experiences?: (typeof VISIBILITIES)[number];
}

export class TownProfileDto {
  @ApiProperty({ type: [String], example: ['leerstand', 'mobilitaet'] })
  @IsArray()
  @ArrayMaxSize(22)
  @Matches(SLUG, { each: true, message: 'topics must be topic slugs' })
  topics: string[];

  @RowListField(ChallengeDto, 10)
  challenges: ChallengeDto[];

  @RowListField(ExperienceDto, 10)
  experiences: ExperienceDto[];

  @ApiProperty({ maxLength: 3000 }) @IsString() @MaxLength(3000) description: string;

  @ApiProperty({ minimum: 0, maximum: 5, description: 'How many tandems the town can take at once' })
  @IsInt()
  @Min(0)
  @Max(5)
  capacity: number;

  @ApiPropertyOptional({ type: VisibilityDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => VisibilityDto)
  visibility?: VisibilityDto;
}
