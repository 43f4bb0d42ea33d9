import { Controller } from '@nestjs/common';

// Pages follow in the next step.
@Controller()
export class WorkshopsPagesController {}
