export * from '@sochdb/sochdb';
