export * from './mysql.service';
export * from './mysql.module';
