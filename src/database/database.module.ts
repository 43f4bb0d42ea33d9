import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source';
import { installTransactionGuard } from './transaction-guard';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        // A read beside an open transaction hangs embedded: fail it loudly wherever it can happen or be caught.
        installTransactionGuard(config.mode === 'embedded' || !config.production ? 'throw' : 'warn');
        return {
          ...dataSourceOptions(config.databaseUrl, config.databasePoolSize, config.preparedStatements),
          autoLoadEntities: true,
          retryAttempts: 5,
          retryDelay: 2000,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
