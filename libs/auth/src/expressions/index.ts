export { evaluateExpression } from './expression.evaluator';
export { expressionIssues, type ExpressionIssue } from './expression.validator';
export { ExpressionError, type ExpressionContext, type ExpressionRequest } from './expression.types';
