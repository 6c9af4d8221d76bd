import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { API_KEY_SCHEME } from './auth/api-key.guard';
import { version } from '../../../package.json';

export class ApiInfo {
  name!: string;
  version!: string;
  description!: string;
  docs!: string;
  endpoints!: string[];
}

@ApiTags('system')
@ApiSecurity(API_KEY_SCHEME)
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
      endpoints: [
        'GET /health',
        'GET /metrics',
        'GET /docs',
        'GET /customers/{customerId}/features',
        'GET /sessions/{sessionId}/journey',
      ],
    };
  }
}
