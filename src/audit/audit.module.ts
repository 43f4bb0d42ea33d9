import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditLog } from './audit-log.entity';
import { AuditRepository } from './audit.repository';

// The audit log is written by auth, municipalities and admin alike, so it is its own module.
@Module({ imports: [TypeOrmModule.forFeature([AuditLog])], providers: [AuditRepository], exports: [AuditRepository] })
export class AuditModule {}
