import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';

export class StartRunDto {
  @ApiProperty({ enum: ['suggestions', 'tandem_round'] })
  @IsIn(['suggestions', 'tandem_round'], { message: 'kind must be suggestions or tandem_round' })
  kind: 'suggestions' | 'tandem_round';
}

export class StartWorkshopDto {
  @ApiProperty({ example: 'leerstand', description: 'Topic slug (see GET /api/topics)' })
  @Matches(/^[a-z0-9-]{1,60}$/, { message: 'theme must be a topic slug' })
  theme: string;
  @ApiPropertyOptional({ minimum: 2, maximum: 10, default: 4 }) @IsOptional() @IsInt() @Min(2) @Max(10) minSize?: number;
  @ApiPropertyOptional({ minimum: 2, maximum: 10, default: 6 }) @IsOptional() @IsInt() @Min(2) @Max(10) maxSize?: number;
  @ApiPropertyOptional({ description: 'Seed for a reproducible proposal' }) @IsOptional() @IsInt() @Min(1) @Max(2 ** 31 - 1) seed?: number;
}

export class WeightsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() complement?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() sharedTopics?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() size?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() situation?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() otherState?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) @IsOptional() @IsNumber() distance?: number;
  @ApiPropertyOptional({ enum: ['near', 'none'] }) @IsOptional() @IsIn(['near', 'none']) distancePreference?: 'near' | 'none';
  @ApiPropertyOptional({ minimum: 10, maximum: 1000 }) @IsOptional() @IsNumber() nearKm?: number;
  @ApiPropertyOptional({
    default: true,
    description: 'Only pairs with a shared topic or a challenge meeting an experience (suggestions and rounds)',
  })
  @IsOptional()
  @IsBoolean({ message: 'requireTopicalBasis must be true or false' })
  requireTopicalBasis?: boolean;
}
