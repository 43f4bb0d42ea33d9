import { Module } from '@nestjs/common';
import { TopicRepository } from './topic.repository';
import { TownReadRepository } from './town-read.repository';
import { TownViewRepository } from './visibility/town-view.repository';

// The read side of towns for other modules: the matcher's input and the visibility layer every view of a town uses.
// Its own module because MunicipalitiesModule imports MatchingModule (profile changes trigger a recomputation), and
// matching must read towns without a cycle. The topic catalogue lives here too: every module reads it.
@Module({
  providers: [TopicRepository, TownReadRepository, TownViewRepository],
  exports: [TopicRepository, TownReadRepository, TownViewRepository],
})
export class TownReadModule {}
