import { Inject, Injectable, Logger } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

export type LegalPage = 'impressum' | 'privacy';

export interface LegalText {
  title: string;
  paragraphs: string[];
  /** true while the operator has not provided the text (the page then says how to). */
  placeholder: boolean;
}

const TITLES: Record<LegalPage, string> = { impressum: 'Impressum', privacy: 'Datenschutzerklärung' };
/** "noch kein Impressum" (neuter), "noch keine Datenschutzerklärung" (feminine). */
const NONE_YET: Record<LegalPage, string> = { impressum: 'noch kein Impressum', privacy: 'noch keine Datenschutzerklärung' };
const SETTING: Record<LegalPage, string> = { impressum: 'IMPRESSUM_FILE', privacy: 'DATENSCHUTZ_FILE' };

/** The operator's texts for Impressum and privacy notice: plain-text files named in the settings, read per request. */
@Injectable()
export class LegalTextService {
  private readonly logger = new Logger(LegalTextService.name);
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get(page: LegalPage): LegalText {
    const file = page === 'impressum' ? this.config.legalFiles.impressum : this.config.legalFiles.privacy;
    if (file) {
      try {
        // Read per request so the operator can correct the text without a restart.
        const paragraphs = readFileSync(file, 'utf8')
          .replace(/\r\n/g, '\n')
          .split(/\n\s*\n/)
          .map((p) => p.trim())
          .filter(Boolean);
        if (paragraphs.length) return { title: TITLES[page], paragraphs, placeholder: false };
      } catch (err) {
        this.logger.warn(`${SETTING[page]} (${file}) could not be read: ${(err as Error).message}`);
      }
    }
    return {
      title: TITLES[page],
      placeholder: true,
      paragraphs: [
        `Der Betreiber dieses Dienstes hat ${NONE_YET[page]} hinterlegt.`,
        `Hinweis für den Betreiber: Legen Sie den Text als Textdatei ab und nennen Sie deren Pfad in der Einstellung ${SETTING[page]} (Absätze durch Leerzeilen trennen).`,
      ],
    };
  }
}
