export { evaluateExpression } from './expression.evaluator';
export { expressionIssues } from './expression.validator';
export { ExpressionError, type ExpressionContext, type ExpressionRequest } from './expression.types';
