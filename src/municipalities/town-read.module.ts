import { Module } from '@nestjs/common';
import { TownReadRepository } from './town-read.repository';

// The read side of towns for other modules (matching). Its own module because MunicipalitiesModule imports
// MatchingModule (profile changes trigger a recomputation), and matching must read towns without a cycle.
@Module({
  providers: [TownReadRepository],
  exports: [TownReadRepository],
})
export class TownReadModule {}
