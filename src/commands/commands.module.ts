import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { OfficeUsersService } from '../accounts/office-users.service';
import { UserRepository } from '../auth/user.repository';
import { ConfigModule } from '../config/config.module';
import { DatabaseModule } from '../database/database.module';
import { DemoSeedService } from './seeds/demo-seed.service';
import { DirectoryImportService } from '../municipalities/directory/directory-import.service';
import { MunicipalityRepository } from '../municipalities/municipality.repository';
import { TownRepository } from '../municipalities/town.repository';
import { PracticeRepository } from '../practices/practice.repository';
import { TownReadModule } from '../municipalities/town-read.module';

/**
 * What the command-line tools and the start command need: the same services and repositories the app uses, but
 * no HTTP, queue or mail. So it takes the repositories itself instead of importing the feature modules, which
 * would connect to Redis (the migrate/seed steps run before the queue store may be up).
 */
@Module({
  imports: [ConfigModule, DatabaseModule, AuditModule, TownReadModule],
  providers: [
    UserRepository,
    TownRepository,
    MunicipalityRepository,
    OfficeUsersService,
    DemoSeedService,
    DirectoryImportService,
    PracticeRepository,
  ],
})
export class CommandsModule {}
