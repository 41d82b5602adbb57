import { describe, expect, it } from 'vitest';
import { fixAnglePairs, fixBracketPairs } from './bracket-pairs';

describe('lenticular brackets paired with ASCII ones', () => {
  it('makes a 【 or 】 whose partner is an ASCII bracket ASCII', () => {
    expect(fixBracketPairs('[=字符=】所有和 <字符> 等价的字符')).toBe('[=字符=]所有和 <字符> 等价的字符');
    expect(fixBracketPairs('grpck [选项] [group 【shadow ]]')).toBe('grpck [选项] [group [shadow ]]');
  });

  it('keeps Chinese pairs and lone marks', () => {
    expect(fixBracketPairs('【注意】请先安装 [可选]')).toBe('【注意】请先安装 [可选]');
    expect(fixBracketPairs('见上文】')).toBe('见上文】');
  });
});

describe('angle brackets paired with ASCII ones', () => {
  const fix = (text: string) => {
    const chars = [...text].map((char) => ({ char }));
    fixAnglePairs(chars);
    return chars.map((c) => c.char).join('');
  };

  it('makes a 〉 or 》 closing an ASCII < ASCII ("<目标〉的" → "<目标>的"), and a 《 opening before >', () => {
    expect(fix('创建 <目标〉的所有父目录')).toBe('创建 <目标>的所有父目录');
    expect(fix('如果 <命令》在首个')).toBe('如果 <命令>在首个');
    expect(fix('《文件>')).toBe('<文件>');
  });

  it('keeps Chinese title marks paired with each other, and an arrow closes nothing', () => {
    expect(fix('见《手册》')).toBe('见《手册》');
    expect(fix('<a -> b〉')).toBe('<a -> b>');
  });
});
