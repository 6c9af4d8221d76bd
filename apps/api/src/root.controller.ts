import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { version } from '../../../package.json';

export class ApiInfo {
  name!: string;
  version!: string;
  description!: string;
  docs!: string;
  endpoints!: string[];
}

@ApiTags('system')
@Controller()
export class RootController {
  @Get()
  @ApiOperation({ summary: 'What this API is and where to go next' })
  @ApiOkResponse({ type: ApiInfo })
  info(): ApiInfo {
    return {
      name: 'AMATO API',
      version,
      description: 'Real-time customer analytics: features, segments and journey predictions',
      docs: '/docs',
      endpoints: ['GET /health', 'GET /metrics', 'GET /docs'],
    };
  }
}
