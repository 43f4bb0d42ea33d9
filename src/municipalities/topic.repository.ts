import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Topic } from './topic.entity';

@Injectable()
export class TopicRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  listActive(): Promise<Topic[]> {
    return this.ds.getRepository(Topic).find({ where: { active: true }, order: { sortOrder: 'ASC' } });
  }
}
