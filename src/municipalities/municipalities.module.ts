import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { MunicipalitiesController } from './municipalities.controller';
import { MunicipalityRepository } from './municipality.repository';
import { TownProfilePagesController } from './town-profile.pages.controller';
import { TownRepository } from './town.repository';
import { TownsService } from './towns.service';
import { TownReadModule } from './town-read.module';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Municipality } from './municipality.entity';
import { Topic } from './topic.entity';
import { Town } from './town.entity';
import { TownChallenge } from './town-challenge.entity';
import { TownExperience } from './town-experience.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Municipality, Topic, Town, TownChallenge, TownExperience]), AuditModule, TownReadModule],
  controllers: [MunicipalitiesController, TownProfilePagesController],
  providers: [MunicipalityRepository, TownRepository, TownsService],
  exports: [MunicipalityRepository, TownRepository, TownsService, TownReadModule],
})
export class MunicipalitiesModule {}
