import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, IsString, ValidateNested } from 'class-validator';

// Field blocks the API's DTOs repeat. The services check lengths and required texts themselves (with the German
// message the pages show), so the DTO only makes sure of the type.

/** A free text, documented as optional. */
export const TextField = (doc: ApiPropertyOptions) => applyDecorators(ApiPropertyOptional(doc), IsOptional(), IsString());

/** A free text the service requires (its own 400 names it), documented as required. */
export const RequiredTextField = (doc: ApiPropertyOptions) => applyDecorators(ApiProperty(doc), IsOptional(), IsString());

/** A list of codes or slugs, at most `max` of them, documented as optional. */
export const StringListField = (description: string, max: number) =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], description }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(max),
    IsString({ each: true }),
  );

/** A required list of nested rows (at most `max`), each validated as `row`. */
export const RowListField = (row: new () => object, max: number) =>
  applyDecorators(
    ApiProperty({ type: [row] }),
    IsArray(),
    ArrayMaxSize(max),
    ValidateNested({ each: true }),
    Type(() => row),
  );
