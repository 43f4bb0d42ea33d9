import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { DataVersionRepository } from '../database/data-version.repository';
import { PageCache } from './page-cache';
import { PageCacheInterceptor } from './page-cache.interceptor';

// Global so any page controller can mark a page @CachedPage() (one cache per web process).
@Global()
@Module({
  providers: [
    { provide: PageCache, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new PageCache(c.pageCache.maxBytes, c.pageCache.ttlMs) },
    DataVersionRepository,
    PageCacheInterceptor,
  ],
  exports: [PageCache, DataVersionRepository, PageCacheInterceptor],
})
export class PageCacheModule {}
