import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiSecurity,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { headline, MODEL_LOADERS, MODEL_NAMES, type ModelName } from '@amato/models';
import { API_KEY_SCHEME } from '../auth/api-key.guard';
import { SchemaParamPipe } from '../validation/schema-param.pipe';
import {
  ModelNameParam,
  ModelsResponseSchema,
  ModelVersionSchema,
  VersionParam,
} from './models.schemas';
import { ApiModels } from './serving';

const schema = (s: unknown) => s as SchemaObject;

/** The model registry: versions, metrics, which serves; activating another. */
@ApiTags('models')
@ApiSecurity(API_KEY_SCHEME)
@Controller('models')
export class ModelsController {
  constructor(@Inject(ApiModels) private readonly models: ApiModels) {}

  @Get()
  @ApiOperation({
    summary: 'Every model version with its metadata and metrics, and what this API serves',
  })
  @ApiOkResponse({ schema: schema(ModelsResponseSchema) })
  async list() {
    const versions = await this.models.registry.list();
    return {
      versions: versions.map((v) => ({ ...v, headline: headline(v.metadata) })),
      serving: this.models.serving.status(),
    };
  }

  @Post(':name/versions/:version/activate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make a version the active one',
    description:
      'Its artifact is checked (checksum, then loaded as serving loads it) before anything switches; the API and the processor follow without a restart.',
  })
  @ApiParam({ name: 'name', schema: { type: 'string', enum: [...MODEL_NAMES] } })
  @ApiParam({ name: 'version', schema: { type: 'integer', minimum: 1 } })
  @ApiOkResponse({ schema: schema(ModelVersionSchema) })
  @ApiNotFoundResponse({ description: 'no such version' })
  @ApiUnprocessableEntityResponse({
    description: 'the artifact is corrupt or incompatible; the active version stays',
  })
  @ApiConflictResponse({ description: 'unused' })
  async activate(
    @Param('name', new SchemaParamPipe(ModelNameParam)) name: string,
    @Param('version', new SchemaParamPipe(VersionParam)) version: string,
  ) {
    const model = name as ModelName;
    try {
      const activated = await this.models.registry.activate(
        model,
        Number(version),
        MODEL_LOADERS[model],
      );
      await this.models.serving.refreshAll();
      return activated;
    } catch (err) {
      if (err instanceof RangeError) throw new NotFoundException(err.message);
      throw err;
    }
  }
}
