export { InProcessAdmissionController } from './in-process-admission.service';
export { RedisAdmissionController, type RedisAdmissionOptions } from './redis-admission.service';
