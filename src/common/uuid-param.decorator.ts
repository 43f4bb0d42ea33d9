import { Param, ParseUUIDPipe } from '@nestjs/common';

/** A path parameter that must be a UUID (ids in links): anything else is a 400 before the handler runs. */
export const UuidParam = (name: string): ParameterDecorator => Param(name, ParseUUIDPipe);
